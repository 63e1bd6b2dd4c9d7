#include "providers/lambda/lambda_json.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "providers/http/redact.h"
#include "providers/lambda/lambda_instance_name.h"
#include "providers/rest/json_fields.h"
#include "sky/providers/http_client.h"
#include "sky/types/ascii.h"

namespace sky::providers::lambda {
namespace {

// The largest GPU count an instance type name may state.
constexpr long kMaxGpuCount = 64;

using nlohmann::json;

using rest::Member;
using rest::Number;
using rest::String;

Result<json> Parse(std::string_view body, std::string_view what) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return Status::InvalidArgument("Lambda " + std::string(what) + ": response is not JSON");
  }
  return parsed;
}

// The "data" member of a response envelope, of the JSON type `want`.
Result<json> Data(std::string_view body, std::string_view what, json::value_t want) {
  SKY_ASSIGN_OR_RETURN(json parsed, Parse(body, what));
  const json* data = Member(parsed, "data");
  if (data == nullptr || data->type() != want) {
    return Status::InvalidArgument("Lambda " + std::string(what) +
                                   ": no \"data\" of the spec's type");
  }
  return *data;
}

InstanceState StateFromStatus(std::string_view status) {
  if (status == "active" || status == "unhealthy") return InstanceState::kRunning;
  if (status == "terminating") return InstanceState::kStopping;
  if (status == "terminated") return InstanceState::kTerminated;
  return InstanceState::kPending;  // "booting", and anything newer than the spec
}

Offer BaseOffer(const json& type, const std::string& observed_at) {
  Offer offer;
  offer.provider = std::string(kProviderName);
  offer.instance_type = String(type, "name");
  if (auto accelerator = AcceleratorFromInstanceType(offer.instance_type)) {
    offer.accelerator = accelerator->name;
    offer.accelerator_count = accelerator->count;
    offer.accelerator_memory_gb = GpuMemoryGbFromDescription(String(type, "gpu_description"));
  }
  const json* specs = Member(type, "specs");
  if (specs != nullptr) {
    offer.vcpus = Number(*specs, "vcpus");
    offer.memory_gb = Number(*specs, "memory_gib");
  }
  offer.market = Market::kOnDemand;
  offer.price_per_hour = Number(type, "price_cents_per_hour") / 100.0;
  offer.observed_at = observed_at;
  offer.source = std::string(kSource);
  return offer;
}

Result<Instance> InstanceFromJson(const json& item, std::string* name) {
  Instance instance;
  instance.id = String(item, "id");
  if (instance.id.empty()) return Status::InvalidArgument("Lambda instance without an id");
  instance.provider = std::string(kProviderName);
  const json* region = Member(item, "region");
  if (region != nullptr) instance.region = String(*region, "name");
  const json* type = Member(item, "instance_type");
  if (type != nullptr) instance.instance_type = String(*type, "name");
  instance.market = Market::kOnDemand;
  instance.state = StateFromStatus(String(item, "status"));
  instance.reason = instance.state == InstanceState::kTerminated ? TerminationReason::kUnknown
                                                                 : TerminationReason::kNone;
  instance.public_ip = String(item, "ip");
  instance.private_ip = String(item, "private_ip");
  *name = String(item, "name");
  if (auto decoded = DecodeInstanceName(*name)) instance.tags = std::move(decoded->tags);
  instance.offer_id = rest::InstanceOfferId(instance);
  return instance;
}

}  // namespace

std::optional<AcceleratorSpec> AcceleratorFromInstanceType(std::string_view instance_type) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= instance_type.size(); ++i) {
    if (i == instance_type.size() || instance_type[i] == '_') {
      parts.push_back(instance_type.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() < 3 || parts[0] != "gpu" || parts[1].size() < 2 || parts[1].back() != 'x') {
    return std::nullopt;
  }
  const std::string count_text(parts[1].substr(0, parts[1].size() - 1));
  char* end = nullptr;
  const long count = std::strtol(count_text.c_str(), &end, 10);
  // An int count, so that a 12-digit count in a hostile name cannot wrap (found by fuzzing).
  if (end == count_text.c_str() || *end != '\0' || count <= 0 || count > kMaxGpuCount ||
      parts[2].empty()) {
    return std::nullopt;
  }
  AcceleratorSpec spec{AsciiUpper(parts[2]), static_cast<int>(count)};
  if (spec.name == "GENERAL") return std::nullopt;
  if (spec.name == "A100" && parts.size() > 3 && parts[3] == "80gb") spec.name = "A100-80GB";
  return spec;
}

double GpuMemoryGbFromDescription(std::string_view gpu_description) {
  const size_t open = gpu_description.find('(');
  if (open == std::string_view::npos) return 0;
  const std::string rest(gpu_description.substr(open + 1));
  char* end = nullptr;
  const double gb = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str() || std::string_view(end).substr(0, 3) != " GB") return 0;
  return gb;
}

Result<std::vector<Offer>> ParseInstanceTypes(std::string_view body,
                                              const std::string& observed_at) {
  SKY_ASSIGN_OR_RETURN(json data, Data(body, "instance-types", json::value_t::object));
  std::vector<Offer> offers;
  for (const auto& [key, item] : data.items()) {
    const json* type = Member(item, "instance_type");
    const json* regions = Member(item, "regions_with_capacity_available");
    if (type == nullptr || regions == nullptr || !regions->is_array()) {
      return Status::InvalidArgument("Lambda instance type " + key + " lacks the spec's fields");
    }
    const Offer base = BaseOffer(*type, observed_at);
    for (const json& region : *regions) {
      Offer offer = base;
      offer.region = String(region, "name");
      if (offer.region.empty()) continue;
      offer.available = 1;
      offer.id = MakeOfferId(offer);
      offers.push_back(std::move(offer));
    }
  }
  return offers;
}

Result<Instance> ParseInstance(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(json data, Data(body, "instance", json::value_t::object));
  std::string name;
  return InstanceFromJson(data, &name);
}

Result<std::vector<NamedInstance>> ParseInstanceList(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(json data, Data(body, "instances", json::value_t::array));
  std::vector<NamedInstance> out;
  for (const json& item : data) {
    NamedInstance named;
    SKY_ASSIGN_OR_RETURN(named.instance, InstanceFromJson(item, &named.name));
    out.push_back(std::move(named));
  }
  return out;
}

Result<std::string> ParseLaunchedId(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(json data, Data(body, "launch", json::value_t::object));
  const json* ids = Member(data, "instance_ids");
  if (ids == nullptr || !ids->is_array() || ids->empty() || !(*ids)[0].is_string()) {
    return Status::InvalidArgument("Lambda launch: no instance id in the response");
  }
  return (*ids)[0].get<std::string>();
}

std::string LaunchRequestBody(const LaunchBody& launch) {
  json body = {{"region_name", launch.region_name},
               {"instance_type_name", launch.instance_type_name},
               {"ssh_key_names", json::array({launch.ssh_key_name})},
               {"name", launch.name}};
  if (!launch.user_data.empty()) body["user_data"] = launch.user_data;
  return body.dump();
}

std::string TerminateRequestBody(const std::string& instance_id) {
  return json{{"instance_ids", json::array({instance_id})}}.dump();
}

Status StatusFromError(int http_status, std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  std::string code, message;
  if (!parsed.is_discarded()) {
    const json* error = Member(parsed, "error");
    if (error != nullptr) {
      code = String(*error, "code");
      message = String(*error, "message");
    }
  }
  std::string text = "Lambda Cloud HTTP " + std::to_string(http_status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  text = RedactText(text);
  if (code == kCapacityErrorCode) return Status::ResourceExhausted(text).WithReason("capacity");
  if (code == kQuotaErrorCode) return Status::ResourceExhausted(text).WithReason("quota");
  return StatusForHttpError(http_status, std::move(text));  // 429: Unavailable "throttled"
}

}  // namespace sky::providers::lambda
