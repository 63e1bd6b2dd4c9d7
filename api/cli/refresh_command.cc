// `skybroker refresh`: asks each configured provider for its current offers (and AWS for the
// last 24 h of spot prices) and applies them to the catalog, one transaction per provider.
#include <nlohmann/json.hpp>

#include "api/app.h"
#include "api/cli/commands.h"
#include "api/handlers/catalog_refresh.h"
#include "api/provider_registry.h"

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker refresh [FLAGS]\n"
    "Asks each provider for its current offers and applies them to the catalog.\n";

void PrintLine(const ProviderRefresh& r, std::ostream& out) {
  out << r.provider << ": " << r.offers << " offers (" << r.summary.offers_added << " added, "
      << r.summary.offers_updated << " updated, " << r.summary.offers_unchanged << " unchanged)";
  if (r.spot_points > 0) out << ", " << r.spot_points << " spot prices";
  out << ", " << r.summary.price_points_added << " price points added";
  out << (r.status.ok() ? "" : ", error: " + r.status.ToString()) << "\n";
}

}  // namespace

int RunRefresh(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("json", "print the results as JSON");
  AddProviderFlags(spec);
  ParsedCommand parsed = ParseCommand(words, spec, kSynopsis, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs& args = *parsed.args;
  auto app = App::Open(args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  auto registry = ProviderRegistry::FromArgs(args, (*app)->catalog());
  if (!registry.ok()) return ReportError(registry.status(), err);
  const WallClock wall_clock;  // the CLI is the clock's edge
  std::vector<ProviderRefresh> results;
  for (providers::Provider* provider : (*registry)->providers()) {
    // A failing provider is reported and does not stop the others.
    results.push_back(RefreshFromProvider(*provider, (*app)->catalog(), wall_clock));
  }
  bool failed = false;
  nlohmann::json array = nlohmann::json::array();
  for (const ProviderRefresh& r : results) {
    failed = failed || !r.status.ok();
    if (args.Has("json")) {
      array.push_back(ProviderRefreshToJson(r));
    } else {
      PrintLine(r, out);
    }
    if (!r.status.ok() && args.Has("json")) {
      err << "error: " << r.provider << ": " << r.status.ToString() << "\n";
    }
  }
  if (args.Has("json")) out << array.dump(2) << "\n";
  return failed ? 1 : 0;
}

}  // namespace sky::api
