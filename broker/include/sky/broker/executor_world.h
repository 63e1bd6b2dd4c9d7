#pragma once
// ExecutorWorld: the executor on a simulated cloud, as replay runs it and as the tests and
// benchmarks drive it: a manual clock, the sim provider on that clock, a pipeline store, a
// token minter and the executor over them. Time moves only when the caller advances clock().
// The plan service (catalog and network) is the caller's: it may be shared by many worlds.
// Not thread-safe: one thread builds and drives a world (the executor's own threads aside).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sky/broker/executor.h"
#include "sky/broker/pipeline_store.h"
#include "sky/broker/plan_service.h"
#include "sky/providers/sim_provider.h"
#include "sky/types/clock.h"
#include "sky/types/offer.h"
#include "sky/types/status.h"

namespace sky::broker {

// Tokens without a secret: "<prefix><key>" and a std::hash of the token. Deterministic per
// key, as TokenMinter requires, but guessable: for worlds that serve no heartbeats from real
// instances (replay, tests, benchmarks), never for `serve`. Thread-safe.
class DeterministicTokenMinter : public TokenMinter {
 public:
  explicit DeterministicTokenMinter(std::string prefix, std::string hash_prefix = "")
      : prefix_(std::move(prefix)), hash_prefix_(std::move(hash_prefix)) {}
  std::string TokenFor(std::string_view key) const override;
  std::string Hash(std::string_view token) const override;

 private:
  const std::string prefix_;
  const std::string hash_prefix_;
};

struct ExecutorWorldOptions {
  // Where the manual clock starts. Default: 1.7e9 (late 2023).
  double start_seconds = 1.7e9;
  // The pipeline store's SQLite file. Default: ":memory:".
  std::string store_path = ":memory:";
  // Mints the stage tokens; not owned, must outlive the world. Default: null, a
  // DeterministicTokenMinter("world-") the world owns.
  TokenMinter* tokens = nullptr;
};

class ExecutorWorld {
 public:
  // A world with its clock only; add the sim (StartSim), the store (OpenStore) and then the
  // executor (StartExecutor).
  explicit ExecutorWorld(ExecutorWorldOptions options = {});
  ~ExecutorWorld();  // the executor first, then the store and the sim
  ExecutorWorld(const ExecutorWorld&) = delete;
  ExecutorWorld& operator=(const ExecutorWorld&) = delete;

  // The sim cloud serving `offers` on this world's clock, replacing any earlier one.
  // REQUIRES: no executor runs on the sim being replaced.
  void StartSim(std::vector<Offer> offers, providers::SimOptions options);
  // Opens (again) the store at options.store_path, dropping the executor first. Errors: the
  // store's (a file that cannot be opened or migrated).
  Status OpenStore();
  // The executor over the store, `plans` and `provider` (null: the sim), replacing (after
  // dropping) any earlier one. It is not recovered: call executor().Recover() when it should
  // reconcile. `plans` and `provider` must outlive the executor. REQUIRES: OpenStore succeeded,
  // and StartSim was called when `provider` is null. Errors: Executor::Create's.
  Status StartExecutor(const PlanService& plans, const ExecutorOptions& options,
                       providers::Provider* provider = nullptr);
  // Drops the executor (its workers stop); the store and the sim stay.
  void StopExecutor();

  ManualClock& clock() { return clock_; }
  // REQUIRES: StartSim / OpenStore / StartExecutor, respectively, happened.
  providers::SimProvider& sim() { return *sim_; }
  PipelineStore& store() { return *store_; }
  Executor& executor() { return *executor_; }

 private:
  const ExecutorWorldOptions options_;
  ManualClock clock_;
  std::unique_ptr<TokenMinter> own_tokens_;  // when options_.tokens is null
  TokenMinter* tokens_;
  std::unique_ptr<providers::SimProvider> sim_;
  std::unique_ptr<PipelineStore> store_;
  std::unique_ptr<Executor> executor_;
};

}  // namespace sky::broker
