#pragma once
// Executor::Impl: the executor's machinery, split by state handler (STYLE.md section 8):
//   executor.cc           scheduling, workers, the public entry points
//   executor_pipeline.cc  pipeline states: plan, start, succeed, fail, cancel
//   executor_launch.cc    pending | recovering -> provisioning: launch with failover
//   executor_monitor.cc   provisioning | running: describe, heartbeats, exits, preemptions
//   executor_recovery.cc  preempted -> recovering: re-plan the remaining work
//   executor_reconcile.cc start-up reconcile with every provider
//   executor_data.cc      the data plane: transfers, outputs, deliveries (pure: stage_data.h)
// Locking: `mu_` guards the schedule and the run cache only; a pipeline is advanced by the one
// thread that claimed it, with no lock held across store, provider or planner calls.

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "broker/executor/blocklist.h"
#include "broker/executor/pipeline_run.h"
#include "broker/executor/remaining_spec.h"
#include "sky/broker/executor.h"
#include "sky/types/mutex.h"

namespace sky::broker {

class Executor::Impl {
 public:
  Impl(PipelineStore& store, const PlanService& plans, std::vector<providers::Provider*> providers,
       const Clock& clock, TokenMinter& tokens, ExecutorOptions options);
  ~Impl();

  // --- executor.cc: schedule and workers ---
  void Schedule(const std::string& id, double at) SKY_EXCLUDES(mu_);
  int RunDue() SKY_EXCLUDES(mu_);
  std::optional<double> NextWakeIn() const SKY_EXCLUDES(mu_);
  size_t active() const SKY_EXCLUDES(mu_);
  void Start(int threads, int idle_wait_ms);
  void Stop();
  // Runs `body` with pipeline `id` claimed (waits while a worker advances it).
  Status WithClaim(const std::string& id, const std::function<Status()>& body) SKY_EXCLUDES(mu_);
  void CountTransition() { ++transitions_; }
  int64_t transitions() const { return transitions_.load(); }

  // --- executor_pipeline.cc ---
  Result<std::string> Submit(const std::string& tenant, std::string_view spec_json,
                             std::vector<planner::SpecIssue>* issues);
  Status Cancel(const std::string& id, const std::string& reason);
  Result<PipelineView> Get(const std::string& id);
  // Advances one claimed pipeline; returns when it wants to be looked at again (nullopt: done).
  std::optional<double> Advance(const std::string& id);

  // --- executor_monitor.cc, executor_reconcile.cc, executor_data.cc ---
  Status Heartbeat(const std::string& id, const std::string& stage, std::string_view token,
                   const HeartbeatReport& report);
  Status Recover();
  Result<std::string> StorageCredentials(const std::string& id, const std::string& stage,
                                         std::string_view token);

 private:
  // executor_pipeline.cc
  Result<PipelineRun*> RunFor(const PipelineRecord& record) SKY_EXCLUDES(mu_);
  Status PlanPipeline(const PipelineRecord& record, PipelineRun& run);
  std::optional<double> AdvanceRunning(const PipelineRecord& record, PipelineRun& run);
  Status FailPipeline(const PipelineRecord& record, const std::string& reason);
  Status FinishPipeline(const PipelineRecord& record);
  Status StopLiveAttempts(const std::string& id, const std::string& outcome);
  double PipelineHours(const PipelineRecord& record) const;
  Status TransitionStage(const std::string& id, const std::string& stage, StageState to,
                         const std::string& reason);
  Status Event(const std::string& id, const std::optional<std::string>& stage,
               const std::string& kind, const std::string& message);

  // executor_launch.cc
  bool PredecessorsDone(const PipelineRecord& record, const planner::StageSpec& stage) const;
  std::optional<double> LaunchStage(const PipelineRecord& record, PipelineRun& run,
                                    const StageRecord& stage);
  std::optional<double> RetryLaunch(const PipelineRecord& record, PipelineRun& run,
                                    const StageRecord& stage);
  std::optional<double> CallLaunch(const PipelineRecord& record, PipelineRun& run,
                                   const StageRecord& stage, const AttemptRecord& attempt,
                                   const Offer& offer);
  std::optional<double> OnLaunchError(const PipelineRecord& record, PipelineRun& run,
                                      const StageRecord& stage, const AttemptRecord& attempt,
                                      const Offer& offer, const Status& error);
  // FailedPrecondition when the offer's place has no object storage.
  Result<providers::LaunchRequest> BuildLaunchRequest(const PipelineRecord& record,
                                                      const PipelineRun& run,
                                                      const StageRecord& stage,
                                                      const AttemptRecord& attempt,
                                                      const Offer& offer);
  std::optional<double> StartAttempt(const PipelineRecord& record, PipelineRun& run,
                                     const StageRecord& stage, const Offer& offer,
                                     const std::string& why);
  double Backoff(PipelineRun::StageTimers& timers) SKY_EXCLUDES(mu_);

  // executor_market.cc: decisions of ExecutorOptions::market_policy
  std::optional<double> LaunchByPolicy(const PipelineRecord& record, PipelineRun& run,
                                       const StageRecord& stage);
  // At a poll of a running instance: nullopt to keep it, else when to look again after
  // stopping it because the policy wants another market (or none).
  std::optional<double> ReviewMarket(const PipelineRecord& record, PipelineRun& run,
                                     const StageRecord& stage, const providers::Instance& instance,
                                     double checkpoint);
  const PipelineRun::MarketCandidates& CandidatesFor(PipelineRun& run, const std::string& stage);
  std::vector<Offer> EnumeratePlaces(const PipelineRun& run, const std::string& stage,
                                     Market market);
  MarketView ViewFor(const PipelineRecord& record, const PipelineRun& run, const StageRecord& stage,
                     double checkpoint, std::optional<Market> current,
                     const PipelineRun::MarketCandidates& places);
  const Offer* FirstPlace(const std::vector<Offer>& places, bool probe);
  std::optional<double> WaitForMarket(const PipelineRecord& record, const StageRecord& stage,
                                      const MarketDecision& decision);

  // executor_monitor.cc (CheckStageToken: the stage when `token` is its live attempt's)
  Result<const StageRecord*> CheckStageToken(const PipelineRecord& record, const std::string& stage,
                                             std::string_view token);
  std::optional<double> PollStage(const PipelineRecord& record, PipelineRun& run,
                                  const StageRecord& stage);
  std::optional<double> OnInstance(const PipelineRecord& record, PipelineRun& run,
                                   const StageRecord& stage, const providers::Instance& instance);
  Status ApplyReport(const PipelineRecord& record, const StageRecord& stage,
                     const HeartbeatReport& report);
  std::optional<double> OnExit(const PipelineRecord& record, PipelineRun& run,
                               const StageRecord& stage, const HeartbeatReport& report);
  std::optional<double> OnLost(const PipelineRecord& record, PipelineRun& run,
                               const StageRecord& stage, const std::string& why);

  // executor_recovery.cc
  std::optional<double> RecoverStage(const PipelineRecord& record, PipelineRun& run,
                                     const StageRecord& stage);
  // Re-plans every stage not done or in flight, and `moving` (the stage being placed again,
  // whatever its stored state), then stores the merged plan.
  Status Replan(const PipelineRecord& record, PipelineRun& run, const std::string& moving,
                const std::string& why);
  std::vector<StageProgress> ProgressOf(const PipelineRecord& record, const PipelineRun& run,
                                        const std::string& moving);
  Status ExplainOnDemandSwitch(const PipelineRecord& record, const planner::Plan& before,
                               const planner::Plan& after, const RemainingWork& work);

  // executor_data.cc. DataPlaneFor: storage is configured and the offer's provider runs the
  // startup script. ApplyDataReport stores a report's priced transfers, complete checkpoint and
  // notes (a failed restore clears the checkpoint). StoreOutputs, after exit 0: an error unless
  // the outputs are stored (and delivered). Purge*: retention; failures are events, not errors.
  bool DataPlaneFor(const Offer& offer) const;
  Status ApplyDataReport(const PipelineRecord& record, const StageRecord& stage,
                         const HeartbeatReport& report);
  Status StoreOutputs(const PipelineRecord& record, const PipelineRun& run,
                      const StageRecord& stage, const HeartbeatReport& report);
  Status Deliver(const PipelineRecord& record, const PipelineRun& run, const StageRecord& stage,
                 const std::string& from, const std::string& here, const std::string& place);
  void PurgeCheckpoints(const PipelineRecord& record, const StageRecord& stage);
  void PurgeIntermediateData(const PipelineRecord& record);

  // executor_reconcile.cc
  Status ReconcileProvider(providers::Provider& provider,
                           const std::map<std::string, AttemptRecord>& live);

 public:
  // Shared helpers (used across the files above).
  providers::Provider* ProviderFor(const std::string& offer_provider) const;
  const planner::StagePlacement* PlacementOf(const PipelineRun& run,
                                             const std::string& stage) const;
  std::optional<Offer> FindOffer(const std::string& offer_id) const;
  static std::string AttemptKey(const std::string& id, size_t stage_index, int64_t attempt);
  size_t StageIndex(const PipelineRun& run, const std::string& stage) const;
  double Now() const { return clock_.NowSeconds(); }

  PipelineStore& store_;
  const PlanService& plans_;
  const std::vector<providers::Provider*> providers_;
  const Clock& clock_;
  TokenMinter& tokens_;
  const ExecutorOptions options_;
  Blocklist blocklist_;

 private:
  mutable Mutex mu_;
  CondVar cv_;  // claims released, work added
  std::map<std::string, double> wake_ SKY_GUARDED_BY(mu_);
  std::set<std::string> busy_ SKY_GUARDED_BY(mu_);
  // The map only: a run itself belongs to the thread that claimed its pipeline.
  std::map<std::string, std::unique_ptr<PipelineRun>> runs_ SKY_GUARDED_BY(mu_);
  std::mt19937_64 rng_ SKY_GUARDED_BY(mu_);
  std::atomic<int64_t> transitions_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
  int idle_wait_ms_ = 200;

  bool ClaimNext(std::string& id) SKY_EXCLUDES(mu_);
  void Release(const std::string& id, std::optional<double> next) SKY_EXCLUDES(mu_);
  void WorkerLoop();
  friend class Executor;
};

}  // namespace sky::broker
