// `skybroker refresh`: asks each configured provider for its current offers (and AWS for the
// last 24 h of spot prices) and applies them to the catalog, one transaction per provider.
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/app.h"
#include "api/cli_commands.h"
#include "api/provider_registry.h"
#include "sky/providers/aws/spot_price.h"

namespace sky::api {
namespace {

constexpr char kUsage[] =
    "usage: skybroker refresh [--providers sim,aws,gcp,lambda,runpod] [--json]\n"
    "         [--aws-endpoint URL] [--aws-region NAME] [--gcp-endpoint URL] [--gcp-zones a,b]\n"
    "         [--lambda-endpoint URL] [--runpod-endpoint URL] [--runpod-catalog-endpoint URL]\n"
    "         [--db PATH] [--catalog PATH...]\n"
    "credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS,\n"
    "             LAMBDA_API_KEY, RUNPOD_API_KEY (each flag also reads $SKYBROKER_<FLAG>)\n";

constexpr double kSpotHistorySeconds = 24 * 3600;

// What one provider's refresh did.
struct ProviderRefresh {
  std::string provider;
  size_t offers = 0;       // offers the provider reported
  size_t spot_points = 0;  // spot price points it reported
  catalog::IngestSummary summary;
  Status status;  // the first failure; offers already read are still applied
};

// Seconds since the Unix epoch, for the spot price window (the CLI is the clock's edge).
double UnixNow() {
  using std::chrono::system_clock;
  return std::chrono::duration<double>(system_clock::now().time_since_epoch()).count();
}

// The provider's spot price history of the last 24 h when it has one (AWS), else none.
Result<std::vector<providers::aws::SpotPricePoint>> SpotHistory(providers::Provider& provider) {
  auto* source = dynamic_cast<providers::aws::SpotPriceSource*>(&provider);
  if (source == nullptr) return std::vector<providers::aws::SpotPricePoint>{};
  providers::aws::SpotPriceQuery query;
  query.end_seconds = UnixNow();
  query.start_seconds = query.end_seconds - kSpotHistorySeconds;
  return source->DescribeSpotPriceHistory(query);
}

ProviderRefresh RefreshOne(providers::Provider& provider, broker::CatalogService& catalog) {
  ProviderRefresh r;
  r.provider = provider.name();
  auto offers = provider.ListOffers();
  if (!offers.ok()) {
    r.status = offers.status().WithPrefix("listing offers");
    return r;
  }
  r.offers = offers->size();
  auto points = SpotHistory(provider);
  if (!points.ok()) r.status = points.status().WithPrefix("spot price history");
  std::vector<providers::aws::SpotPricePoint> spot =
      points.ok() ? std::move(points).value() : std::vector<providers::aws::SpotPricePoint>{};
  r.spot_points = spot.size();
  auto applied = catalog.ApplyProviderOffers(r.provider, std::move(offers).value(), spot);
  if (applied.ok()) {
    r.summary = std::move(applied).value();
  } else if (r.status.ok()) {
    r.status = applied.status();
  }
  return r;
}

nlohmann::json ToJson(const ProviderRefresh& r) {
  nlohmann::json j = {{"provider", r.provider},
                      {"offers", r.offers},
                      {"spot_price_points", r.spot_points},
                      {"offers_added", r.summary.offers_added},
                      {"offers_updated", r.summary.offers_updated},
                      {"offers_unchanged", r.summary.offers_unchanged},
                      {"price_points_added", r.summary.price_points_added},
                      {"ok", r.status.ok()}};
  j["error"] = r.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(r.status.ToString());
  return j;
}

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
  AddProviderFlags(spec);
  spec.booleans.insert("json");
  ParsedCommand parsed = ParseCommand(words, spec, kUsage, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs& args = *parsed.args;
  auto app = App::Open(args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  auto registry = ProviderRegistry::FromArgs(args, (*app)->catalog());
  if (!registry.ok()) return ReportError(registry.status(), err);
  std::vector<ProviderRefresh> results;
  for (providers::Provider* provider : (*registry)->providers()) {
    // A failing provider is reported and does not stop the others.
    results.push_back(RefreshOne(*provider, (*app)->catalog()));
  }
  bool failed = false;
  nlohmann::json array = nlohmann::json::array();
  for (const ProviderRefresh& r : results) {
    failed = failed || !r.status.ok();
    if (args.Has("json")) {
      array.push_back(ToJson(r));
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
