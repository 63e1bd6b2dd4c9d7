#pragma once
// REST resources, one file each, registered on a Router. Handlers are thread-safe: they only
// read the App's thread-safe services.

#include <atomic>
#include <string>

#include "api/app.h"
#include "api/router.h"
#include "sky/types/clock.h"

namespace sky::broker {
class Executor;
}  // namespace sky::broker

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
// GET /v1/offers, /v1/offers/{id}/history, /v1/accelerators.
void AddCatalogRoutes(Router& router, App& app);
// POST /v1/plans.
void AddPlanRoutes(Router& router, App& app);
// /v1/pipelines: submit, list, get, cancel, events, stage heartbeats (pipeline_handlers.cc).
void AddPipelineRoutes(Router& router, const ExecutorSlot& executor);
// GET / and the dashboard's files under `web_dir`; GET /examples/* from `examples_dir`.
void AddStaticRoutes(Router& router, const std::string& web_dir, const std::string& examples_dir);

}  // namespace sky::api
