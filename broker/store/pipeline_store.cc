#include "sky/broker/pipeline_store.h"

#include <iterator>
#include <set>
#include <utility>

#include "sky/storage/sqlite.h"

namespace sky::broker {
namespace {

using storage::Statement;

// Numbered migrations. Append only; never edit a shipped one.
constexpr storage::Migration kMigrations[] = {
    {1,
     "CREATE TABLE pipelines ("
     "  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL,"
     "  spec_json TEXT NOT NULL, plan_json TEXT NOT NULL DEFAULT '', state TEXT NOT NULL,"
     "  created_at REAL NOT NULL, updated_at REAL NOT NULL);"
     "CREATE INDEX pipelines_state ON pipelines(state);"
     "CREATE TABLE stages ("
     "  pipeline_id TEXT NOT NULL REFERENCES pipelines(id), name TEXT NOT NULL,"
     "  state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0,"
     "  offer_id TEXT NOT NULL DEFAULT '', instance_id TEXT NOT NULL DEFAULT '',"
     "  idempotency_key TEXT NOT NULL DEFAULT '', cost_usd REAL NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (pipeline_id, name));"
     "CREATE TABLE transitions ("
     "  seq INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id TEXT NOT NULL, stage TEXT,"
     "  from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL);"
     "CREATE INDEX transitions_pipeline ON transitions(pipeline_id, seq);"},
    // 2: heartbeat state on stages, one row per launch attempt, the event log, listing indexes.
    {2,
     "ALTER TABLE stages ADD COLUMN progress REAL NOT NULL DEFAULT 0;"
     "ALTER TABLE stages ADD COLUMN checkpoint REAL NOT NULL DEFAULT 0;"
     "ALTER TABLE stages ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE stages ADD COLUMN log_tail TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE stages ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE stages ADD COLUMN last_heartbeat_at REAL NOT NULL DEFAULT 0;"
     "CREATE TABLE attempts ("
     "  pipeline_id TEXT NOT NULL, stage TEXT NOT NULL, attempt INTEGER NOT NULL,"
     "  offer_id TEXT NOT NULL, provider TEXT NOT NULL, location TEXT NOT NULL,"
     "  market TEXT NOT NULL, price_per_hour REAL NOT NULL, idempotency_key TEXT NOT NULL,"
     "  instance_id TEXT NOT NULL DEFAULT '', requested_at REAL NOT NULL,"
     "  ended_at REAL NOT NULL DEFAULT 0, outcome TEXT NOT NULL DEFAULT '',"
     "  cost_usd REAL NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (pipeline_id, stage, attempt),"
     "  FOREIGN KEY (pipeline_id, stage) REFERENCES stages(pipeline_id, name));"
     "CREATE INDEX attempts_outcome ON attempts(outcome);"
     "CREATE INDEX attempts_instance ON attempts(instance_id);"
     "CREATE TABLE events ("
     "  seq INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id TEXT NOT NULL REFERENCES pipelines(id),"
     "  stage TEXT, kind TEXT NOT NULL, message TEXT NOT NULL, at REAL NOT NULL);"
     "CREATE INDEX events_pipeline ON events(pipeline_id, seq);"
     "CREATE INDEX pipelines_created ON pipelines(created_at, id);"
     "CREATE INDEX pipelines_tenant ON pipelines(tenant, created_at, id);"},
    // 3: the data plane: where a stage's last complete checkpoint and its outputs are stored,
    // and every transfer's bytes, seconds and dollars.
    {3,
     "ALTER TABLE stages ADD COLUMN checkpoint_uri TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE stages ADD COLUMN checkpoint_location TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE stages ADD COLUMN output_uri TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE stages ADD COLUMN output_location TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE transfers ("
     "  seq INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id TEXT NOT NULL REFERENCES pipelines(id),"
     "  stage TEXT NOT NULL, attempt INTEGER NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
     "  uri TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, bytes INTEGER NOT NULL,"
     "  seconds REAL NOT NULL, usd REAL NOT NULL, at REAL NOT NULL);"
     "CREATE INDEX transfers_pipeline ON transfers(pipeline_id, seq);"},
};

constexpr char kInsertPipeline[] =
    "INSERT INTO pipelines(id, tenant, name, spec_json, state, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
constexpr char kInsertStage[] = "INSERT INTO stages(pipeline_id, name, state) VALUES (?1, ?2, ?3)";
constexpr char kPipelineExists[] = "SELECT 1 FROM pipelines WHERE id = ?1";
constexpr char kPipelineState[] = "SELECT state FROM pipelines WHERE id = ?1";
// One query tells an unknown pipeline (no row) from an unknown stage (NULL state).
constexpr char kStageState[] =
    "SELECT s.state FROM pipelines p LEFT JOIN stages s ON s.pipeline_id = p.id AND s.name = ?2"
    " WHERE p.id = ?1";
constexpr char kUpdatePipelineState[] =
    "UPDATE pipelines SET state = ?2, updated_at = ?3 WHERE id = ?1";
constexpr char kUpdateStageState[] =
    "UPDATE stages SET state = ?3 WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kTouchPipeline[] = "UPDATE pipelines SET updated_at = ?2 WHERE id = ?1";
constexpr char kUpdatePlan[] = "UPDATE pipelines SET plan_json = ?2, updated_at = ?3 WHERE id = ?1";
constexpr char kUpdateLaunch[] =
    "UPDATE stages SET attempt = ?3, offer_id = ?4, idempotency_key = ?5"
    " WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kInsertTransition[] =
    "INSERT INTO transitions(pipeline_id, stage, from_state, to_state, reason, at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kSelectPipeline[] =
    "SELECT id, tenant, name, spec_json, plan_json, state, created_at, updated_at"
    " FROM pipelines WHERE id = ?1";
constexpr char kSelectStages[] =
    "SELECT name, state, attempt, offer_id, instance_id, idempotency_key, cost_usd, progress,"
    " checkpoint, failures, log_tail, token_hash, last_heartbeat_at, checkpoint_uri, output_uri,"
    " output_location, checkpoint_location"
    " FROM stages WHERE pipeline_id = ?1 ORDER BY rowid";
constexpr char kSelectNonTerminal[] =
    "SELECT id FROM pipelines WHERE state NOT IN ('succeeded', 'failed', 'cancelled')"
    " ORDER BY id";
constexpr char kSelectTransitions[] =
    "SELECT seq, stage, from_state, to_state, reason, at FROM transitions"
    " WHERE pipeline_id = ?1 ORDER BY seq";

// A state stored by this code that no longer parses means a corrupt or foreign database.
template <typename T>
Result<T> Stored(Result<T> parsed) {
  if (!parsed.ok()) return Status::Internal("stored " + parsed.status().message());
  return parsed;
}

}  // namespace

PipelineStore::PipelineStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {}
PipelineStore::~PipelineStore() = default;

Result<std::unique_ptr<PipelineStore>> PipelineStore::Open(const std::string& path) {
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenSqlite(path));
  // Its own version table: the file may also hold the catalog (`schema_migrations`).
  const storage::Schema schema{
      "broker", "broker_schema_migrations", /*applied_at=*/false,
      std::vector<storage::Migration>(std::begin(kMigrations), std::end(kMigrations))};
  SKY_RETURN_IF_ERROR(db->Migrate(schema));
  return std::unique_ptr<PipelineStore>(new PipelineStore(std::move(db)));
}

Status PipelineStore::CreatePipeline(const std::string& id, const std::string& tenant,
                                     const std::string& name, const std::string& spec_json,
                                     const std::vector<std::string>& stage_names, double at) {
  if (id.empty() || tenant.empty()) {
    return Status::InvalidArgument("a pipeline needs a non-empty id and tenant");
  }
  if (stage_names.empty()) return Status::InvalidArgument("pipeline '" + id + "' has no stages");
  const std::set<std::string> unique(stage_names.begin(), stage_names.end());
  if (unique.size() != stage_names.size() || unique.count("") > 0) {
    return Status::InvalidArgument("pipeline '" + id + "' has an empty or repeated stage name");
  }
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(Statement exists, db_->Prepare(kPipelineExists));
    SKY_ASSIGN_OR_RETURN(bool found, exists.Bind(1, id).Step());
    if (found) return Status::AlreadyExists("pipeline '" + id + "' already exists");
    SKY_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsertPipeline));
    SKY_RETURN_IF_ERROR(insert.Bind(1, id)
                            .Bind(2, tenant)
                            .Bind(3, name)
                            .Bind(4, spec_json)
                            .Bind(5, Name(PipelineState::kSubmitted))
                            .Bind(6, at)
                            .Run());
    for (const std::string& stage : stage_names) {
      SKY_ASSIGN_OR_RETURN(Statement row, db_->Prepare(kInsertStage));
      SKY_RETURN_IF_ERROR(row.Bind(1, id).Bind(2, stage).Bind(3, Name(StageState::kPending)).Run());
    }
    return Status::Ok();
  });
}

Result<PipelineState> PipelineStore::LoadPipelineState(const std::string& pipeline_id) {
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kPipelineState));
  SKY_ASSIGN_OR_RETURN(bool found, select.Bind(1, pipeline_id).Step());
  if (!found) return Status::NotFound("pipeline '" + pipeline_id + "' not found");
  return Stored(ParsePipelineState(select.Text(0)));
}

Result<StageState> PipelineStore::LoadStageState(const std::string& pipeline_id,
                                                 const std::string& stage) {
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kStageState));
  SKY_ASSIGN_OR_RETURN(bool found, select.Bind(1, pipeline_id).Bind(2, stage).Step());
  if (!found) return Status::NotFound("pipeline '" + pipeline_id + "' not found");
  if (select.IsNull(0)) {
    return Status::NotFound("stage '" + stage + "' of pipeline '" + pipeline_id + "' not found");
  }
  return Stored(ParseStageState(select.Text(0)));
}

Status PipelineStore::AppendTransition(const TransitionRecord& t) {
  SKY_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsertTransition));
  insert.Bind(1, t.pipeline_id);
  if (t.stage) {
    insert.Bind(2, *t.stage);
  } else {
    insert.BindNull(2);
  }
  SKY_RETURN_IF_ERROR(
      insert.Bind(3, t.from_state).Bind(4, t.to_state).Bind(5, t.reason).Bind(6, t.at).Run());
  std::string message = t.from_state + " -> " + t.to_state;
  if (!t.reason.empty()) message += ": " + t.reason;
  return InsertEvent({0, t.pipeline_id, t.stage, "state", std::move(message), t.at});
}

Status PipelineStore::TouchPipeline(const std::string& pipeline_id, double at) {
  SKY_ASSIGN_OR_RETURN(Statement touch, db_->Prepare(kTouchPipeline));
  return touch.Bind(1, pipeline_id).Bind(2, at).Run();
}

Status PipelineStore::WriteStageTransition(const std::string& pipeline_id, const std::string& stage,
                                           StageState from, StageState to,
                                           const std::string& reason, double at) {
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kUpdateStageState));
  SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id).Bind(2, stage).Bind(3, Name(to)).Run());
  SKY_RETURN_IF_ERROR(TouchPipeline(pipeline_id, at));
  return AppendTransition(
      {0, pipeline_id, stage, std::string(Name(from)), std::string(Name(to)), reason, at});
}

Status PipelineStore::Transition(const std::string& pipeline_id, PipelineState to,
                                 const std::string& reason, double at) {
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(PipelineState from, LoadPipelineState(pipeline_id));
    SKY_RETURN_IF_ERROR(CheckTransition(from, to).WithPrefix("pipeline '" + pipeline_id + "'"));
    SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kUpdatePipelineState));
    SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id).Bind(2, Name(to)).Bind(3, at).Run());
    return AppendTransition(
        {0, pipeline_id, std::nullopt, std::string(Name(from)), std::string(Name(to)), reason, at});
  });
}

Status PipelineStore::Transition(const std::string& pipeline_id, const std::string& stage,
                                 StageState to, const std::string& reason, double at) {
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(StageState from, LoadStageState(pipeline_id, stage));
    SKY_RETURN_IF_ERROR(CheckTransition(from, to).WithPrefix("stage '" + stage + "' of pipeline '" +
                                                             pipeline_id + "'"));
    return WriteStageTransition(pipeline_id, stage, from, to, reason, at);
  });
}

Status PipelineStore::SetPlan(const std::string& pipeline_id, const std::string& plan_json,
                              double at) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kUpdatePlan));
  SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id).Bind(2, plan_json).Bind(3, at).Run());
  if (db_->Changes() == 0) return Status::NotFound("pipeline '" + pipeline_id + "' not found");
  return Status::Ok();
}

Status PipelineStore::SetStageLaunch(const std::string& pipeline_id, const std::string& stage,
                                     int64_t attempt, const std::string& offer_id,
                                     const std::string& idempotency_key) {
  if (idempotency_key.empty() || attempt < 0) {
    return Status::InvalidArgument("a stage launch needs an idempotency key and attempt >= 0");
  }
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(StageState unused, LoadStageState(pipeline_id, stage));
  (void)unused;
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kUpdateLaunch));
  return update.Bind(1, pipeline_id)
      .Bind(2, stage)
      .Bind(3, attempt)
      .Bind(4, offer_id)
      .Bind(5, idempotency_key)
      .Run();
}

Status PipelineStore::LoadStages(PipelineRecord& pipeline) {
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectStages));
  select.Bind(1, pipeline.id);
  while (true) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return Status::Ok();
    StageRecord stage;
    stage.name = select.Text(0);
    SKY_ASSIGN_OR_RETURN(stage.state, Stored(ParseStageState(select.Text(1))));
    stage.attempt = select.Int(2);
    stage.offer_id = select.Text(3);
    stage.instance_id = select.Text(4);
    stage.idempotency_key = select.Text(5);
    stage.cost_usd = select.Double(6);
    stage.progress = select.Double(7);
    stage.checkpoint = select.Double(8);
    stage.failures = select.Int(9);
    stage.log_tail = select.Text(10);
    stage.token_hash = select.Text(11);
    stage.last_heartbeat_at = select.Double(12);
    stage.checkpoint_uri = select.Text(13);
    stage.output_uri = select.Text(14);
    stage.output_location = select.Text(15);
    stage.checkpoint_location = select.Text(16);
    pipeline.stages.push_back(std::move(stage));
  }
}

Result<PipelineRecord> PipelineStore::LoadPipeline(const std::string& pipeline_id) {
  PipelineRecord p;
  {
    SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectPipeline));
    SKY_ASSIGN_OR_RETURN(bool found, select.Bind(1, pipeline_id).Step());
    if (!found) return Status::NotFound("pipeline '" + pipeline_id + "' not found");
    p.id = select.Text(0);
    p.tenant = select.Text(1);
    p.name = select.Text(2);
    p.spec_json = select.Text(3);
    p.plan_json = select.Text(4);
    SKY_ASSIGN_OR_RETURN(p.state, Stored(ParsePipelineState(select.Text(5))));
    p.created_at = select.Double(6);
    p.updated_at = select.Double(7);
  }
  SKY_RETURN_IF_ERROR(LoadStages(p));
  return p;
}

Result<PipelineRecord> PipelineStore::GetPipeline(const std::string& pipeline_id) {
  MutexLock lock(mu_);
  return LoadPipeline(pipeline_id);
}

Result<std::vector<PipelineRecord>> PipelineStore::ListNonTerminal() {
  MutexLock lock(mu_);
  std::vector<std::string> ids;
  {
    SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectNonTerminal));
    while (true) {
      SKY_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      ids.push_back(select.Text(0));
    }
  }
  std::vector<PipelineRecord> out;
  for (const std::string& id : ids) {
    SKY_ASSIGN_OR_RETURN(PipelineRecord p, LoadPipeline(id));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<TransitionRecord>> PipelineStore::Transitions(const std::string& pipeline_id) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(pipeline_id));
  (void)unused;
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectTransitions));
  select.Bind(1, pipeline_id);
  std::vector<TransitionRecord> out;
  while (true) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    TransitionRecord t{select.Int(0),  pipeline_id,    std::nullopt,    select.Text(2),
                       select.Text(3), select.Text(4), select.Double(5)};
    if (!select.IsNull(1)) t.stage = select.Text(1);
    out.push_back(std::move(t));
  }
}

}  // namespace sky::broker
