#include "api/http/server_metrics.h"

#include <map>
#include <utility>
#include <vector>

#include "sky/broker/executor.h"

namespace sky::api {
namespace {

constexpr char kRequests[] = "skybroker_http_requests_total";
constexpr char kDuration[] = "skybroker_http_request_duration_seconds";
constexpr char kOffers[] = "skybroker_offers";
constexpr char kPipelines[] = "skybroker_pipelines";
constexpr char kProviderErrors[] = "skybroker_provider_call_errors_total";
constexpr char kSolve[] = "skybroker_planner_solve_seconds";

std::vector<std::pair<MetricLabels, double>> OffersPerProvider(
    const broker::CatalogService& catalog) {
  std::map<std::string, double> counts;
  for (const Offer& o : catalog.Snapshot()->offers()) ++counts[o.provider];
  std::vector<std::pair<MetricLabels, double>> series;
  for (const auto& [provider, n] : counts) series.push_back({{{"provider", provider}}, n});
  return series;
}

}  // namespace

ServerMetrics::ServerMetrics() {
  // The names are constants above: a failed declaration is a bug the unit test catches.
  (void)registry_.Declare(kRequests, MetricType::kCounter,
                          "HTTP requests answered, by method, route pattern and status.");
  (void)registry_.Declare(kDuration, MetricType::kHistogram,
                          "Seconds from request to response headers, by method and route.",
                          DurationBuckets());
  (void)registry_.Declare(kOffers, MetricType::kGauge, "Offers in the catalog, by provider.");
  (void)registry_.Declare(kPipelines, MetricType::kGauge, "Pipelines, by state.");
  (void)registry_.Declare(kProviderErrors, MetricType::kCounter,
                          "Failed provider calls, by provider, operation and status code.");
  (void)registry_.Declare(kSolve, MetricType::kHistogram, "Seconds spent in the MILP solver.",
                          DurationBuckets());
}

void ServerMetrics::ObserveRequest(const std::string& method, const std::string& route, int status,
                                   double seconds) {
  const std::string pattern = route.empty() ? "unmatched" : route;
  registry_.Add(kRequests,
                {{"method", method}, {"route", pattern}, {"status", std::to_string(status)}});
  registry_.Observe(kDuration, {{"method", method}, {"route", pattern}}, seconds);
}

void ServerMetrics::ObserveSolve(double seconds) { registry_.Observe(kSolve, {}, seconds); }

void ServerMetrics::CountProviderError(const std::string& provider, const std::string& operation,
                                       const Status& status) {
  registry_.Add(kProviderErrors, {{"provider", provider},
                                  {"operation", operation},
                                  {"code", std::string(StatusCodeName(status.code()))}});
}

void ServerMetrics::CollectFrom(const broker::CatalogService& catalog, const ExecutorSlot& slot) {
  registry_.AddCollector(
      [&catalog](MetricsRegistry& r) { r.SetAll(kOffers, OffersPerProvider(catalog)); });
  registry_.AddCollector([&slot](MetricsRegistry& r) {
    broker::Executor* executor = slot.Get();
    if (executor == nullptr) return;
    auto counts = executor->store().CountByState();
    if (!counts.ok()) return;  // keep the last values rather than fail the scrape
    std::vector<std::pair<MetricLabels, double>> series;
    for (const auto& [state, n] : *counts) {
      series.push_back({{{"state", state}}, static_cast<double>(n)});
    }
    r.SetAll(kPipelines, series);
  });
}

void AddMetricsRoutes(Router& router, ServerMetrics& metrics) {
  router.Add("GET", "/metrics", [&metrics](const HttpRequest&, const auto&) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics.Scrape();
    return r;
  });
}

}  // namespace sky::api
