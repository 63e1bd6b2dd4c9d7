#pragma once
// ExecutionStack: what `serve` runs pipelines with, built from its flags: the executor's clock
// (wall time, or scaled for demos and tests), the providers (the sim on that same clock), the
// PipelineStore (the catalog's database file), the heartbeat token minter (its secret in
// `<database>.token-secret`, so tokens survive restarts) and the Executor.
// Its flags (--poll-seconds, --clock-speed, --market-policy, ...) are declared, with their
// defaults and help, in AddExecutorFlags; `skybroker serve --help` prints them.
// Not thread-safe: build and drive it from serve's main thread; the executor it holds is
// thread-safe.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/cli/args.h"
#include "api/metered_provider.h"
#include "api/provider_registry.h"
#include "sky/broker/executor.h"
#include "sky/broker/market_policy.h"
#include "sky/broker/pipeline_store.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::api {

// Adds the executor's flags (the --sim-* ones included) to `spec`, in the "pipeline
// execution" group.
void AddExecutorFlags(FlagSpec& spec);

class ExecutionStack {
 public:
  // Builds the clock and the providers and opens the PipelineStore at app.db_path() (its own
  // in-memory database when that is ":memory:"). InvalidArgument naming the flag for a bad
  // value (a speed or poll interval <= 0, fewer than 1 thread or failure); the registry's and
  // the store's errors otherwise. `app` must outlive the stack. Every provider is wrapped in a
  // MeteredProvider that reports failed calls to `on_provider_error` (when set; metrics).
  static Result<std::unique_ptr<ExecutionStack>> Open(
      const CliArgs& args, App& app, const MeteredProvider::OnError& on_provider_error = nullptr);
  ExecutionStack(const ExecutionStack&) = delete;
  ExecutionStack& operator=(const ExecutionStack&) = delete;
  ~ExecutionStack();  // stops the executor before anything it uses goes away

  // The clock of the executor and the sim.
  const Clock& clock() const {
    if (scaled_) return *scaled_;
    return wall_;
  }

  // Creates the executor, heartbeats going to `heartbeat_base_url`, and recovers (adopts or
  // terminates tagged instances, reschedules unfinished pipelines). Returns Executor::Create's
  // errors; a recovery error is only reported on `err` (the providers that answered are
  // reconciled, and serving goes on).
  Status CreateExecutor(const std::string& heartbeat_base_url, std::ostream& err);

  // REQUIRES: CreateExecutor succeeded.
  broker::Executor& executor() { return *executor_; }
  // The configured providers (owned by the stack, metered), in --providers order.
  std::vector<providers::Provider*> providers();
  // The same providers without the metering wrapper, for catalog refresh: it needs the AWS
  // adapter's own SpotPriceSource interface, which the wrapper does not forward.
  std::vector<providers::Provider*> unmetered_providers() { return registry_->providers(); }
  // Starts the worker threads. REQUIRES: CreateExecutor succeeded.
  void Start();
  // Joins the workers; safe to call twice, or without CreateExecutor.
  void Stop();

 private:
  ExecutionStack(App& app, broker::ExecutorOptions options, int threads);

  App& app_;
  broker::ExecutorOptions options_;
  int threads_;
  std::unique_ptr<broker::MarketPolicy> market_policy_;  // null: the planner-driven failover
  // Declared in dependency order: the executor (last) is destroyed first.
  WallClock wall_;
  std::unique_ptr<Clock> scaled_;  // null at speed 1
  std::unique_ptr<broker::TokenMinter> tokens_;
  std::unique_ptr<ProviderRegistry> registry_;
  std::vector<std::unique_ptr<MeteredProvider>> metered_;  // one per registry provider
  std::unique_ptr<broker::PipelineStore> store_;
  std::unique_ptr<broker::Executor> executor_;
};

}  // namespace sky::api
