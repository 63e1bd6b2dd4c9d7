#pragma once
// PipelineStore: the durable record of pipelines, their stages and every state transition, in one
// SQLite file on sky::storage (WAL, busy timeout, prepared statements only, numbered migrations
// in its own `broker_schema_migrations` table: the file may also hold the catalog, whose
// migrations live in `schema_migrations`). A transition's row update and its `transitions` row
// are written in one transaction, so a crash leaves either both or neither.
// Thread-safe: one mutex serialises every call.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sky/broker/pipeline_records.h"
#include "sky/broker/pipeline_state.h"
#include "sky/types/mutex.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::storage {
class Database;
}  // namespace sky::storage

namespace sky::broker {

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
  // unless it is already there (a next candidate while provisioning), with its "state" event
  // carrying `reason`; when the stage stays, it appends a "launch" event instead: "attempt N
  // on <offer> (<market>, $<price>/h)".
  // InvalidArgument for attempt < 1 or an empty idempotency key; NotFound for an unknown
  // pipeline/stage; AlreadyExists when that attempt number is taken; FailedPrecondition for an
  // illegal arrow. On any error nothing is written.
  Status RecordLaunch(const AttemptRecord& attempt, const std::string& token_hash, StageState to,
                      const std::string& reason, double at);

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
  Status SetStageProgress(const std::string& pipeline_id, const std::string& stage, double progress,
                          double checkpoint, const std::string& log_tail, double at);
  // --- Data plane (schema version 3) ---

  // Sets the stage's last complete checkpoint (fraction, URI and the place that stored it; ""
  // for none: a restart from zero), unlike SetStageProgress also lowering it. InvalidArgument
  // for a checkpoint outside 0..1; NotFound for an unknown pipeline or stage.
  Status SetStageCheckpoint(const std::string& pipeline_id, const std::string& stage,
                            double checkpoint, const std::string& checkpoint_uri,
                            const std::string& checkpoint_location);
  // Records where a stage's outputs are stored. NotFound for an unknown pipeline or stage.
  Status SetStageOutput(const std::string& pipeline_id, const std::string& stage,
                        const std::string& output_uri, const std::string& output_location);
  // Appends transfers (their seq is assigned), in one transaction. InvalidArgument for an empty
  // kind or negative bytes; NotFound for an unknown pipeline.
  Status RecordTransfers(const std::vector<TransferRecord>& transfers);
  // The transfers of a pipeline, oldest first. NotFound for an unknown id.
  Result<std::vector<TransferRecord>> Transfers(const std::string& pipeline_id);

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
  explicit PipelineStore(std::unique_ptr<storage::Database> db);

  Result<PipelineState> LoadPipelineState(const std::string& pipeline_id) SKY_REQUIRES(mu_);
  Result<StageState> LoadStageState(const std::string& pipeline_id, const std::string& stage)
      SKY_REQUIRES(mu_);
  Status LoadStages(PipelineRecord& pipeline) SKY_REQUIRES(mu_);
  Result<PipelineRecord> LoadPipeline(const std::string& pipeline_id) SKY_REQUIRES(mu_);
  // The writers below run inside the caller's transaction.
  // Appends the transition row and its "state" event.
  Status AppendTransition(const TransitionRecord& t) SKY_REQUIRES(mu_);
  // Sets a stage's state, touches its pipeline and appends the transition (arrow checked).
  Status WriteStageTransition(const std::string& pipeline_id, const std::string& stage,
                              StageState from, StageState to, const std::string& reason, double at)
      SKY_REQUIRES(mu_);
  Status TouchPipeline(const std::string& pipeline_id, double at) SKY_REQUIRES(mu_);
  Status InsertEvent(const EventRecord& e) SKY_REQUIRES(mu_);

  Mutex mu_;
  std::unique_ptr<storage::Database> db_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::broker
