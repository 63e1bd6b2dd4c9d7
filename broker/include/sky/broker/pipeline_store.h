#pragma once
// PipelineStore: the durable record of pipelines, their stages and every state transition, in one
// SQLite file (WAL, busy timeout, prepared statements only, numbered migrations in its own
// `broker_schema_migrations` table: the file may also hold the catalog, whose migrations live in
// `schema_migrations`). A transition's row update and its `transitions` row are written in one transaction, so a
// crash leaves either both or neither. Thread-safe: one mutex serialises every call.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sky/broker/pipeline_state.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::catalog {
class SqliteDb;
}  // namespace sky::catalog

namespace sky::broker {

struct StageRecord {
  std::string name;
  StageState state = StageState::kPending;
  int64_t attempt = 0;
  std::string offer_id;         // empty until launched
  std::string instance_id;      // empty until a provider returned one
  std::string idempotency_key;  // stored before the provider call it guards
  double cost_usd = 0;          // sum of the cost of every attempt so far
  // Heartbeat state (from the instance's agent or the heartbeat endpoint).
  double progress = 0;             // fraction of the stage's work done, 0..1
  double checkpoint = 0;           // fraction of the work saved in the last checkpoint, 0..1
  int64_t failures = 0;            // attempts whose command exited non-zero
  std::string log_tail;            // the last lines the command wrote (last report)
  std::string token_hash;          // hash of the current attempt's heartbeat token
  double last_heartbeat_at = 0;    // 0: never
};

// One launch of a stage on one offer: a row is written before the provider call.
struct AttemptRecord {
  std::string pipeline_id;
  std::string stage;
  int64_t attempt = 0;          // 1, 2, ... per stage
  std::string offer_id;
  std::string provider;         // the offer's provider ("gcp"), as planned
  std::string location;         // "provider:region[:zone]"
  std::string market;           // "spot" | "on_demand"
  double price_per_hour = 0;
  std::string idempotency_key;
  std::string instance_id;      // empty until the provider answered
  double requested_at = 0;      // when the launch was recorded
  double ended_at = 0;          // 0 while the attempt is live
  // "" while live; else succeeded | failed | preempted | capacity | quota | cancelled |
  // lost (the instance vanished) | replaced (superseded before it ran).
  std::string outcome;
  double cost_usd = 0;          // price x (ended_at - requested_at), written when it ends
};

// One line of a pipeline's event log: every transition (kind "state", message
// "from -> to: reason") and every decision that is not one (capacity, quota, throttled,
// deadline, replan, retry, reconcile, cost).
struct EventRecord {
  int64_t seq = 0;  // increasing over the whole store
  std::string pipeline_id;
  std::optional<std::string> stage;  // nullopt for the pipeline as a whole
  std::string kind;
  std::string message;
  double at = 0;
};

// What a filtered pipeline listing may select. Empty fields select everything.
struct PipelineFilter {
  std::string tenant;
  std::optional<PipelineState> state;
  size_t limit = 100;
  size_t offset = 0;
};

struct PipelineRecord {
  std::string id;
  std::string tenant;
  std::string name;
  std::string spec_json;
  std::string plan_json;  // empty until planned
  PipelineState state = PipelineState::kSubmitted;
  double created_at = 0;  // Unix seconds, as passed by the caller
  double updated_at = 0;
  std::vector<StageRecord> stages;  // in creation order
};

struct TransitionRecord {
  int64_t seq = 0;  // increasing over the whole store
  std::string pipeline_id;
  std::optional<std::string> stage;  // nullopt for a pipeline transition
  std::string from_state;
  std::string to_state;
  std::string reason;
  double at = 0;
};

class PipelineStore {
 public:
  // Opens or creates the database at `path` and applies pending migrations. Unavailable when
  // the file cannot be opened or is locked; Internal on any other SQLite failure.
  static Result<std::unique_ptr<PipelineStore>> Open(const std::string& path);
  ~PipelineStore();

  // Stores a new pipeline in `submitted` with its stages in `pending`, at time `at`.
  // InvalidArgument for an empty id/tenant, no stages or a repeated stage name;
  // AlreadyExists when the id is taken.
  Status CreatePipeline(const std::string& id, const std::string& tenant, const std::string& name,
                        const std::string& spec_json, const std::vector<std::string>& stage_names,
                        double at);

  // Moves the pipeline (or one of its stages) to `to` and records the transition and its event
  // (kind "state", "<from> -> <to>: <reason>"), in one transaction. NotFound for an unknown
  // pipeline or stage; FailedPrecondition when the arrow is illegal (nothing is written).
  Status Transition(const std::string& pipeline_id, PipelineState to, const std::string& reason,
                    double at);
  Status Transition(const std::string& pipeline_id, const std::string& stage, StageState to,
                    const std::string& reason, double at);

  // Stores the plan of a pipeline. NotFound for an unknown id.
  Status SetPlan(const std::string& pipeline_id, const std::string& plan_json, double at);

  // Records the launch about to be requested for a stage, before the provider call, so that a
  // retry reuses `idempotency_key`. InvalidArgument for an empty key or a negative attempt;
  // NotFound for an unknown pipeline or stage.
  Status SetStageLaunch(const std::string& pipeline_id, const std::string& stage, int64_t attempt,
                        const std::string& offer_id, const std::string& idempotency_key);

  // The pipeline with its stages. NotFound for an unknown id.
  Result<PipelineRecord> GetPipeline(const std::string& pipeline_id);

  // Every pipeline not in a terminal state (what a restarted broker must resume), by id.
  Result<std::vector<PipelineRecord>> ListNonTerminal();

  // The transitions of a pipeline and its stages, oldest first. NotFound for an unknown id.
  Result<std::vector<TransitionRecord>> Transitions(const std::string& pipeline_id);

  // --- Attempts, heartbeats, events (schema version 2) ---

  // Records a launch about to be requested, in one transaction: inserts `attempt` (its
  // pipeline_id/stage name the stage; requested_at = `at`; its instance_id, ended_at, outcome
  // and cost are ignored: the attempt starts live), sets the stage's attempt, offer_id,
  // idempotency_key, token_hash and clears instance_id, progress stays; moves the stage to `to`
  // unless it is already there (a next candidate while provisioning) and appends the events
  // ("state" for a move, then "launch": "attempt N on <offer> (<market>, $<price>/h)").
  // InvalidArgument for attempt < 1 or an empty idempotency key; NotFound for an unknown
  // pipeline/stage; AlreadyExists when that attempt number is taken; FailedPrecondition for an
  // illegal arrow. On any error nothing is written.
  Status RecordLaunch(const AttemptRecord& attempt, const std::string& token_hash,
                      StageState to, const std::string& reason, double at);

  // Stores the provider's instance id for an attempt, and for its stage while that attempt is
  // the stage's current one (a late answer for a superseded attempt does not overwrite the
  // newer one's). NotFound for an unknown attempt.
  Status SetAttemptInstance(const std::string& pipeline_id, const std::string& stage,
                            int64_t attempt, const std::string& instance_id);

  // Ends a live attempt: outcome, ended_at and cost = price x hours since requested_at; adds
  // the cost to the stage. Ending an ended attempt changes nothing and is OK (idempotent).
  // NotFound for an unknown attempt; InvalidArgument for an empty outcome.
  Status EndAttempt(const std::string& pipeline_id, const std::string& stage, int64_t attempt,
                    const std::string& outcome, double at);

  // Every attempt of a pipeline, by stage (creation order) then attempt number. NotFound for
  // an unknown id.
  Result<std::vector<AttemptRecord>> Attempts(const std::string& pipeline_id);
  // Every attempt not yet ended (outcome ""), over all pipelines (what reconcile expects to
  // find), by pipeline id, stage name, attempt.
  Result<std::vector<AttemptRecord>> LiveAttempts();

  // Stores a heartbeat's progress, checkpoint and log tail (an empty tail keeps the old one)
  // and sets last_heartbeat_at = `at`. InvalidArgument when progress or checkpoint is outside
  // 0..1 (or NaN); NotFound for an unknown pipeline or stage.
  Status SetStageProgress(const std::string& pipeline_id, const std::string& stage,
                          double progress, double checkpoint, const std::string& log_tail,
                          double at);
  // Counts one more non-zero exit of the stage and returns the new count. NotFound for an
  // unknown pipeline or stage.
  Result<int64_t> AddStageFailure(const std::string& pipeline_id, const std::string& stage);

  // Appends one event (not a transition). InvalidArgument for an empty kind; NotFound for an
  // unknown pipeline, or an unknown stage when `stage` is set.
  Status AppendEvent(const std::string& pipeline_id, const std::optional<std::string>& stage,
                     const std::string& kind, const std::string& message, double at);
  // The events of a pipeline with seq > `after_seq`, oldest first, at most `limit`.
  // NotFound for an unknown id.
  Result<std::vector<EventRecord>> Events(const std::string& pipeline_id, int64_t after_seq = 0,
                                          size_t limit = 10000);

  // Pipelines matching `filter`, newest first (created_at, then id, descending), stages
  // included; filter.limit 0 means no limit. Never NotFound.
  Result<std::vector<PipelineRecord>> ListPipelines(const PipelineFilter& filter);
  // Number of pipelines per state name (every state present, zero or not, in enum order).
  Result<std::vector<std::pair<std::string, int64_t>>> CountByState();

 private:
  explicit PipelineStore(std::unique_ptr<catalog::SqliteDb> db);

  Status Migrate();
  Status InTransaction(const std::function<Status()>& body);
  Result<PipelineState> LoadPipelineState(const std::string& pipeline_id);
  Result<StageState> LoadStageState(const std::string& pipeline_id, const std::string& stage);
  Status LoadStages(PipelineRecord& pipeline);
  Result<PipelineRecord> LoadPipeline(const std::string& pipeline_id);
  // The helpers below REQUIRE mu_ held; the writers run inside the caller's transaction.
  // Appends the transition row and its "state" event.
  Status AppendTransition(const TransitionRecord& t);
  // Sets a stage's state, touches its pipeline and appends the transition (arrow checked).
  Status WriteStageTransition(const std::string& pipeline_id, const std::string& stage,
                              StageState from, StageState to, const std::string& reason,
                              double at);
  Status TouchPipeline(const std::string& pipeline_id, double at);
  Status InsertEvent(const EventRecord& e);

  std::mutex mu_;
  std::unique_ptr<catalog::SqliteDb> db_;  // guarded by mu_
};

}  // namespace sky::broker
