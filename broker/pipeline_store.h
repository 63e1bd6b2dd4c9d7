#pragma once
// PipelineStore: the durable record of pipelines, their stages and every state transition, in one
// SQLite file (WAL, busy timeout, numbered migrations in `schema_migrations`, prepared statements
// only). A transition's row update and its `transitions` row are written in one transaction, so a
// crash leaves either both or neither. Thread-safe: one mutex serialises every call.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "broker/pipeline_state.h"
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
  double cost_usd = 0;
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

  // Moves the pipeline (or one of its stages) to `to` and records the transition, in one
  // transaction. NotFound for an unknown pipeline or stage; FailedPrecondition when the arrow is
  // illegal (nothing is written).
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

 private:
  explicit PipelineStore(std::unique_ptr<catalog::SqliteDb> db);

  Status Migrate();
  Status InTransaction(const std::function<Status()>& body);
  Result<PipelineState> LoadPipelineState(const std::string& pipeline_id);
  Result<StageState> LoadStageState(const std::string& pipeline_id, const std::string& stage);
  Status LoadStages(PipelineRecord& pipeline);
  Result<PipelineRecord> LoadPipeline(const std::string& pipeline_id);
  Status AppendTransition(const TransitionRecord& t);

  std::mutex mu_;
  std::unique_ptr<catalog::SqliteDb> db_;  // guarded by mu_
};

}  // namespace sky::broker
