#pragma once
// ServerMetrics: the metrics `skybroker serve` exposes on GET /metrics (Prometheus text 0.0.4):
//   skybroker_http_requests_total{method,route,status}         counter
//   skybroker_http_request_duration_seconds{method,route}      histogram
//   skybroker_offers{provider}                                 gauge, read at scrape time
//   skybroker_pipelines{state}                                 gauge, read at scrape time
//   skybroker_provider_call_errors_total{provider,operation,code}  counter
//   skybroker_planner_solve_seconds                            histogram
// `route` is the matched route pattern (/v1/pipelines/{id}), never a raw path, so that ids do
// not explode the series count. Thread-safe.

#include <string>

#include "api/handlers/handlers.h"
#include "api/http/metrics.h"
#include "api/http/router.h"
#include "sky/broker/catalog_service.h"

namespace sky::api {

class ServerMetrics {
 public:
  ServerMetrics();  // declares every family above

  // One answered request. An empty `route` (nothing matched) is reported as "unmatched".
  void ObserveRequest(const std::string& method, const std::string& route, int status,
                      double seconds);
  // One planner solve (PlanService's solve observer).
  void ObserveSolve(double seconds);
  // One failed provider call (MeteredProvider's callback).
  void CountProviderError(const std::string& provider, const std::string& operation,
                          const Status& status);
  // Reads offers per provider from `catalog` and pipelines per state from `slot`'s executor
  // (once set) at every scrape. Both must outlive this object.
  void CollectFrom(const broker::CatalogService& catalog, const ExecutorSlot& slot);

  // The exposition text.
  std::string Scrape() { return registry_.Scrape(); }
  MetricsRegistry& registry() { return registry_; }

 private:
  MetricsRegistry registry_;
};

// GET /metrics (text/plain; version=0.0.4). `metrics` must outlive the router.
void AddMetricsRoutes(Router& router, ServerMetrics& metrics);

}  // namespace sky::api
