#include "api/handlers/local_submit_policy.h"

#include <nlohmann/json.hpp>
#include <set>

#include "sky/types/ascii.h"

namespace sky::api {
namespace {

using nlohmann::json;

constexpr char kLocal[] = "local";

Status LocalRefused(const std::string& what) {
  return Status::PermissionDenied(
      what +
      ": the local provider runs stage commands as the server's user on its machine, so only "
      "admins may submit to it unless serve runs with --local-users");
}

bool IsLocalName(const json& name) {
  return name.is_string() && AsciiLower(name.get<std::string>()) == kLocal;
}

// True for a glob "local:..." (a whole-id pattern naming the local provider).
bool IsLocalGlob(const json& glob) {
  if (!glob.is_string()) return false;
  const std::string text = AsciiLower(glob.get<std::string>());
  return text.rfind(std::string(kLocal) + ":", 0) == 0;
}

bool AnyLocalGlob(const json& globs) {
  if (!globs.is_array()) return false;
  for (const json& glob : globs) {
    if (IsLocalGlob(glob)) return true;
  }
  return false;
}

// PermissionDenied when `constraints` asks for local by name.
Status CheckNamesNoLocal(const json& constraints) {
  if (auto it = constraints.find("providers"); it != constraints.end() && it->is_array()) {
    for (const json& name : *it) {
      if (IsLocalName(name)) return LocalRefused("constraints.providers names \"local\"");
    }
  }
  if (auto it = constraints.find("regions"); it != constraints.end() && AnyLocalGlob(*it)) {
    return LocalRefused("constraints.regions names a local place");
  }
  auto stages = constraints.find("stage_regions");
  if (stages == constraints.end() || !stages->is_object()) return Status::Ok();
  for (const auto& [stage, globs] : stages->items()) {
    if (AnyLocalGlob(globs)) {
      return LocalRefused("constraints.stage_regions." + stage + " names a local place");
    }
  }
  return Status::Ok();
}

// The providers of the catalog's offers, but local.
json OtherProviders(const broker::CatalogService& catalog) {
  std::set<std::string> names;
  for (const Offer& offer : catalog.Snapshot()->offers()) {
    if (AsciiLower(offer.provider) != kLocal) names.insert(offer.provider);
  }
  return json(names);
}

}  // namespace

Result<std::string> ApplyLocalSubmitPolicy(const LocalSubmitPolicy& policy, const Principal& who,
                                           const std::string& spec_json) {
  if (!policy.local_enabled || policy.local_users || who.role == Role::kAdmin) return spec_json;
  json spec = json::parse(spec_json, nullptr, /*allow_exceptions=*/false);
  if (!spec.is_object()) return spec_json;
  if (!spec.contains("constraints")) spec["constraints"] = json::object();
  json& constraints = spec["constraints"];
  if (!constraints.is_object()) return spec_json;
  SKY_RETURN_IF_ERROR(CheckNamesNoLocal(constraints));
  auto providers = constraints.find("providers");
  if (providers != constraints.end() && !(providers->is_array() && providers->empty())) {
    return spec_json;  // a list without local, or a wrong type the parser reports
  }
  if (policy.catalog == nullptr) return LocalRefused("no catalog to choose other providers from");
  json others = OtherProviders(*policy.catalog);
  if (others.empty()) return LocalRefused("the catalog has offers of no other provider");
  constraints["providers"] = std::move(others);
  return spec.dump();
}

}  // namespace sky::api
