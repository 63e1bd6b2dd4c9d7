#pragma once
// Executor: turns stored pipelines into running instances and sees each through to the end
// (DESIGN.md "Execution model"). Every transition is committed to the PipelineStore before the
// provider call it leads to; launches carry idempotency keys and tags, so a restarted broker
// (Recover) adopts what it expects and terminates what it does not. Failover: a capacity error
// blocks the offer's zone, a quota error its region, a preemption its zone, each for a
// cool-down, then the remaining work is re-planned through the planner with the time left;
// throttling, a 5xx or a timeout backs off and retries the same attempt with its idempotency
// key (which finds an instance a timed-out launch did create), never failing over; a command
// that exits non-zero is retried up to `max_stage_failures` times. A finished, failed or
// cancelled pipeline stays scheduled until every instance it launched is terminated.
// Thread-safe: every public method may be called from any thread; one pipeline is advanced by
// at most one thread at a time, and no lock is held while calling a provider or the planner.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sky/broker/data_plane.h"
#include "sky/broker/market_policy.h"
#include "sky/broker/pipeline_store.h"
#include "sky/broker/plan_service.h"
#include "sky/planner/spec.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::broker {

// Heartbeat tokens: one per stage attempt, handed to the instance in its startup script, stored
// only as a hash. Implementations must be thread-safe.
class TokenMinter {
 public:
  virtual ~TokenMinter() = default;
  // The token of the attempt whose idempotency key is `key`: unguessable without this
  // deployment's secret, and the same every time, so that a launch replayed after a restart
  // (same key, maybe the same instance) carries the token the broker expects.
  virtual std::string TokenFor(std::string_view key) const = 0;
  // A one-way hash of `token` (hex); the broker compares hashes in constant time.
  virtual std::string Hash(std::string_view token) const = 0;
};

struct ExecutorOptions {
  // Seconds between two `describe` polls of a live instance. Default: 30.
  double poll_seconds = 30;
  // How long a zone stays blocked after a capacity error. Default: 30 min.
  double capacity_cooldown_seconds = 1800;
  // How long a region stays blocked after a quota error. Default: 1 h.
  double quota_cooldown_seconds = 3600;
  // How long a zone stays blocked after a preemption there. Default: 1 h.
  double preemption_cooldown_seconds = 3600;
  // Non-zero exits of one stage before the pipeline fails. Default: 3.
  int max_stage_failures = 3;
  // Launch attempts of one stage (all causes) before the pipeline fails. Default: 30.
  int max_stage_attempts = 30;
  // Throttling back-off: first wait and cap, doubled per retry with full jitter.
  // Defaults: 2 s and 300 s.
  double throttle_initial_backoff_seconds = 2;
  double throttle_max_backoff_seconds = 300;
  // The value of the `skybroker` tag on every instance; Recover looks only at these.
  // Default: "default".
  std::string deployment = "default";
  // Base URL the startup script posts heartbeats to. Default: http://127.0.0.1:8080.
  std::string heartbeat_base_url = "http://127.0.0.1:8080";
  // Lines of the command's output kept with a failure. Default: 50.
  int log_tail_lines = 50;
  // Planner settings for plans and re-plans (time limit, preemption rates).
  planner::PlannerOptions planner;
  // Seed of the back-off jitter. Default: 1.
  uint64_t seed = 1;
  // Decides per stage between spot, on-demand and waiting (market_policy.h) in place of the
  // planner-driven failover above: a launch takes the first candidate place of the chosen
  // market, a refusal or preemption is no re-plan, and a running stage whose market the policy
  // no longer wants is stopped at its checkpoint. Not owned; must outlive the executor.
  // Default: null (no policy).
  const MarketPolicy* market_policy = nullptr;
  // With a market policy: tells spot capacity without launching. Not owned. Default: null.
  const CapacityProbe* capacity_probe = nullptr;
  // Object storage per place and the storage credentials (sky/broker/data_plane.h). Default:
  // none (stages move no data; the simulated cloud never does).
  DataPlaneOptions data;
};

// One transfer an instance's startup script reports (README "Data").
struct TransferReport {
  std::string kind;  // input | restore | checkpoint | output
  std::string name;  // the input's name, the checkpoint's sequence number, or ""
  std::string uri;   // the storage side
  int64_t bytes = 0;
  double seconds = 0;
};

// What a heartbeat (or a provider's relayed agent report) says about a stage attempt.
struct HeartbeatReport {
  std::optional<double> progress;    // 0..1
  std::optional<double> checkpoint;  // 0..1
  std::optional<int> exit_code;
  std::string log_tail;
  // Data plane: a checkpoint is reported only once its upload finished, with its URI.
  std::optional<int64_t> checkpoint_seq;
  std::string checkpoint_uri;
  std::vector<TransferReport> transfers;
  bool restore_failed = false;     // the resume restarted from zero
  std::vector<std::string> notes;  // for the event log
  std::string outputs_uri;         // set once $SKY_OUTPUT_DIR is stored (final report)
  std::string data_error;          // a missing input or a failed upload (final report)
};

// A pipeline as the API shows it: the record, its attempts, actual and planned cost.
struct PipelineView {
  PipelineRecord record;
  std::vector<AttemptRecord> attempts;
  double actual_cost_usd = 0;             // every attempt's instance-seconds x its price
  double estimated_cost_usd = 0;          // the plan's total (0 before planning)
  std::vector<TransferRecord> transfers;  // the data plane's, oldest first
};

class Executor {
 public:
  // `store`, `plans`, every provider, `clock` and `tokens` must outlive the executor.
  // Providers are chosen per offer: the one whose name() is the offer's provider, else the
  // one named "sim" (which serves every catalog offer). InvalidArgument for no providers.
  static Result<std::unique_ptr<Executor>> Create(PipelineStore& store, const PlanService& plans,
                                                  std::vector<providers::Provider*> providers,
                                                  const Clock& clock, TokenMinter& tokens,
                                                  ExecutorOptions options = {});
  ~Executor();  // stops the workers

  // Reconciles with every provider (adopts expected tagged instances, terminates the rest)
  // and schedules every non-terminal pipeline. Call once, before Start or RunDue. Returns the
  // first provider error after doing what it can with the others.
  Status Recover();

  // Validates and stores a pipeline spec for `tenant`; planning happens on a worker.
  // InvalidArgument with every spec problem (and `issues` filled when not null).
  Result<std::string> Submit(const std::string& tenant, std::string_view spec_json,
                             std::vector<planner::SpecIssue>* issues = nullptr);

  // Cancels a pipeline: records `cancelled`, then terminates every live instance and records
  // the costs so far. NotFound for an unknown id; FailedPrecondition when already terminal.
  Status Cancel(const std::string& pipeline_id, const std::string& reason);

  // A heartbeat from a stage's instance. Unauthenticated when `token` is not the current
  // attempt's; NotFound for an unknown pipeline or stage; FailedPrecondition when the stage is
  // not provisioning or running; InvalidArgument for a progress/checkpoint outside 0..1.
  Status Heartbeat(const std::string& pipeline_id, const std::string& stage, std::string_view token,
                   const HeartbeatReport& report);

  // The storage credentials for the instance of a stage attempt: one `export NAME='value'`
  // line per RCLONE_CONFIG_* variable of DataPlaneOptions::rclone_env (possibly none). Errors
  // as Heartbeat (the same token check); never logged.
  Result<std::string> StorageCredentials(const std::string& pipeline_id, const std::string& stage,
                                         std::string_view token);

  // The pipeline with attempts and costs. NotFound for an unknown id.
  Result<PipelineView> Get(const std::string& pipeline_id);
  Result<std::vector<EventRecord>> Events(const std::string& pipeline_id, int64_t after_seq = 0);
  PipelineStore& store() { return store_; }

  // Advances every pipeline whose next step is due on the clock; returns how many it advanced.
  // Deterministic when called from one thread (tests, benchmarks, replay).
  int RunDue();
  // Clock seconds until the earliest scheduled step (0 when one is due; nullopt when none).
  std::optional<double> NextWakeIn() const;
  // Pipelines scheduled and not yet terminal.
  size_t active() const;

  // Runs `threads` workers that call the same steps as RunDue as they fall due, sleeping on
  // the real clock for at most `idle_wait_ms` between looks. Stop() (or the destructor) joins.
  void Start(int threads, int idle_wait_ms = 200);
  void Stop();

  // Number of stage transitions this executor has written (benchmarks).
  int64_t transitions_written() const;

 private:
  class Impl;
  explicit Executor(std::unique_ptr<Impl> impl, PipelineStore& store);
  std::unique_ptr<Impl> impl_;
  PipelineStore& store_;
};

}  // namespace sky::broker
