#pragma once
// REST resources, one file each, registered on a Router. Handlers are thread-safe: they only
// read the App's thread-safe services.

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/handlers/local_submit_policy.h"
#include "api/http/api_limits.h"
#include "api/http/router.h"
#include "sky/types/clock.h"

namespace sky::broker {
class Executor;
class OperationRunner;
}  // namespace sky::broker
namespace sky::providers {
class Provider;
}  // namespace sky::providers

namespace sky::api {

// The executor the pipeline routes use. serve starts the HTTP server first (the heartbeat URL
// needs the bound port), then creates and recovers the executor and sets it here; until then
// the pipeline routes answer 503 and /readyz is not ready. Thread-safe.
class ExecutorSlot {
 public:
  // `clock` is the executor's (timestamps of listings); it must outlive the slot.
  explicit ExecutorSlot(const Clock& clock) : clock_(clock) {}
  // `executor` must outlive every request that may still read it.
  void Set(broker::Executor* executor) { executor_.store(executor, std::memory_order_release); }
  // Null until Set.
  broker::Executor* Get() const { return executor_.load(std::memory_order_acquire); }
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  std::atomic<broker::Executor*> executor_{nullptr};
};

// GET /healthz, /readyz (503 while `executor` is given and not yet set).
void AddHealthRoutes(Router& router, App& app, const ExecutorSlot* executor = nullptr);
// GET /v1/offers, /v1/offers/{id}/history, /v1/accelerators. A `limit` over
// limits.max_offers_per_page is a 400 naming it.
void AddCatalogRoutes(Router& router, App& app, const ApiLimits& limits = {});
// POST /v1/plans: the solve runs on `runner`; answered at once (200) when it finishes within
// `wait`, else 202 with the operation (0: always 202). `runner` must outlive the router. A
// spec of more than limits.max_stages stages is a 400 naming the limit, before it is parsed.
void AddPlanRoutes(Router& router, App& app, broker::OperationRunner& runner,
                   std::chrono::milliseconds wait, const ApiLimits& limits = {});
// GET /v1/operations/{id}: the request tenant's operations (operation_handlers.cc).
void AddOperationRoutes(Router& router, const broker::OperationRunner& runner);
// POST /v1/catalog/ingest and /v1/catalog/refresh, each answered 202 with an operation run on
// `runner` (catalog_admin_handlers.cc). Refresh pulls from `providers` (serve's configured
// ones); `wall_clock` (Unix time) ends AWS's spot price window. All must outlive the router.
void AddCatalogAdminRoutes(Router& router, App& app, broker::OperationRunner& runner,
                           std::vector<providers::Provider*> providers, const Clock& wall_clock);
// POST /v1/replays and GET /v1/replays/{id}: trace replays run on `runner`; a request's
// trace_paths must lie under one of `trace_roots` (replay_handlers.cc). `app` and `runner`
// must outlive the router.
void AddReplayRoutes(Router& router, App& app, broker::OperationRunner& runner,
                     std::vector<std::string> trace_roots);
// /v1/pipelines: submit, list, get, cancel, events, stage heartbeats (pipeline_handlers.cc).
// A submitted spec of more than limits.max_stages stages is a 400 naming the limit; `local`
// says who may submit to the local provider (local_submit_policy.h; default: everyone).
void AddPipelineRoutes(Router& router, const ExecutorSlot& executor, const ApiLimits& limits = {},
                       const LocalSubmitPolicy& local = {});
// GET / and the dashboard's files under `web_dir`; GET /examples/* from `examples_dir`.
void AddStaticRoutes(Router& router, const std::string& web_dir, const std::string& examples_dir);
// GET /openapi.json: the API's contract, read from `document_path` (api/http/openapi.json in the
// source tree) on each request; 404 when the file cannot be read.
void AddOpenApiRoute(Router& router, const std::string& document_path);

}  // namespace sky::api
