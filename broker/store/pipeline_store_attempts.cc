// PipelineStore: launch attempts and heartbeat state (schema version 2). Split from
// pipeline_store.cc to keep each file small; the members share the class's mutex and helpers.

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sky/broker/pipeline_store.h"
#include "sky/storage/database.h"

namespace sky::broker {
namespace {

using storage::Database;
using storage::Statement;

constexpr char kAttemptExists[] =
    "SELECT 1 FROM attempts WHERE pipeline_id = ?1 AND stage = ?2 AND attempt = ?3";
constexpr char kInsertAttempt[] =
    "INSERT INTO attempts(pipeline_id, stage, attempt, offer_id, provider, location, market,"
    " price_per_hour, idempotency_key, requested_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr char kStageLaunch[] =
    "UPDATE stages SET attempt = ?3, offer_id = ?4, idempotency_key = ?5, token_hash = ?6,"
    " instance_id = '' WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kAttemptInstance[] =
    "UPDATE attempts SET instance_id = ?4 WHERE pipeline_id = ?1 AND stage = ?2 AND attempt = ?3";
constexpr char kStageInstance[] =
    "UPDATE stages SET instance_id = ?4 WHERE pipeline_id = ?1 AND name = ?2 AND attempt = ?3";
constexpr char kAttemptForEnd[] =
    "SELECT requested_at, price_per_hour, outcome FROM attempts"
    " WHERE pipeline_id = ?1 AND stage = ?2 AND attempt = ?3";
constexpr char kEndAttempt[] =
    "UPDATE attempts SET outcome = ?4, ended_at = ?5, cost_usd = ?6"
    " WHERE pipeline_id = ?1 AND stage = ?2 AND attempt = ?3";
constexpr char kAddStageCost[] =
    "UPDATE stages SET cost_usd = cost_usd + ?3 WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kSelectAttempts[] =
    "SELECT a.pipeline_id, a.stage, a.attempt, a.offer_id, a.provider, a.location, a.market,"
    " a.price_per_hour, a.idempotency_key, a.instance_id, a.requested_at, a.ended_at, a.outcome,"
    " a.cost_usd FROM attempts a JOIN stages s ON s.pipeline_id = a.pipeline_id"
    " AND s.name = a.stage WHERE a.pipeline_id = ?1 ORDER BY s.rowid, a.attempt";
constexpr char kSelectLiveAttempts[] =
    "SELECT pipeline_id, stage, attempt, offer_id, provider, location, market, price_per_hour,"
    " idempotency_key, instance_id, requested_at, ended_at, outcome, cost_usd FROM attempts"
    " WHERE outcome = '' ORDER BY pipeline_id, stage, attempt";
constexpr char kSetProgress[] =
    "UPDATE stages SET progress = ?3, checkpoint = ?4,"
    " log_tail = CASE WHEN ?5 = '' THEN log_tail ELSE ?5 END, last_heartbeat_at = ?6"
    " WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kAddFailure[] =
    "UPDATE stages SET failures = failures + 1 WHERE pipeline_id = ?1 AND name = ?2"
    " RETURNING failures";

std::string AttemptName(const std::string& pipeline_id, const std::string& stage, int64_t attempt) {
  return "attempt " + std::to_string(attempt) + " of stage '" + stage + "' of pipeline '" +
         pipeline_id + "'";
}

// "2.4", "0.918", "3": enough digits for a spot price, without trailing zeros.
std::string FormatPrice(double price) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.4f", price);
  std::string out(text);
  if (out.find('.') == std::string::npos) return out;
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string LaunchMessage(const AttemptRecord& a) {
  return "attempt " + std::to_string(a.attempt) + " on " + a.offer_id + " (" + a.market + ", $" +
         FormatPrice(a.price_per_hour) + "/h)";
}

Status CheckAttemptFree(Database& db, const AttemptRecord& a) {
  SKY_ASSIGN_OR_RETURN(Statement exists, db.Prepare(kAttemptExists));
  SKY_ASSIGN_OR_RETURN(bool found,
                       exists.Bind(1, a.pipeline_id).Bind(2, a.stage).Bind(3, a.attempt).Step());
  if (found) {
    return Status::AlreadyExists(AttemptName(a.pipeline_id, a.stage, a.attempt) +
                                 " already exists");
  }
  return Status::Ok();
}

Status InsertAttempt(Database& db, const AttemptRecord& a, double at) {
  SKY_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertAttempt));
  return insert.Bind(1, a.pipeline_id)
      .Bind(2, a.stage)
      .Bind(3, a.attempt)
      .Bind(4, a.offer_id)
      .Bind(5, a.provider)
      .Bind(6, a.location)
      .Bind(7, a.market)
      .Bind(8, a.price_per_hour)
      .Bind(9, a.idempotency_key)
      .Bind(10, at)
      .Run();
}

Status SetStageLaunchColumns(Database& db, const AttemptRecord& a, const std::string& token_hash) {
  SKY_ASSIGN_OR_RETURN(Statement update, db.Prepare(kStageLaunch));
  return update.Bind(1, a.pipeline_id)
      .Bind(2, a.stage)
      .Bind(3, a.attempt)
      .Bind(4, a.offer_id)
      .Bind(5, a.idempotency_key)
      .Bind(6, token_hash)
      .Run();
}

// Columns in kSelectAttempts / kSelectLiveAttempts order.
AttemptRecord AttemptFromRow(const Statement& row) {
  AttemptRecord a;
  a.pipeline_id = row.Text(0);
  a.stage = row.Text(1);
  a.attempt = row.Int(2);
  a.offer_id = row.Text(3);
  a.provider = row.Text(4);
  a.location = row.Text(5);
  a.market = row.Text(6);
  a.price_per_hour = row.Double(7);
  a.idempotency_key = row.Text(8);
  a.instance_id = row.Text(9);
  a.requested_at = row.Double(10);
  a.ended_at = row.Double(11);
  a.outcome = row.Text(12);
  a.cost_usd = row.Double(13);
  return a;
}

Result<std::vector<AttemptRecord>> ReadAttempts(Statement& select) {
  std::vector<AttemptRecord> out;
  while (true) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    out.push_back(AttemptFromRow(select));
  }
}

// What EndAttempt needs of a stored attempt; nullopt when it has already ended.
struct LiveAttempt {
  double requested_at = 0;
  double price_per_hour = 0;
};

Result<std::optional<LiveAttempt>> LoadForEnd(Database& db, const std::string& pipeline_id,
                                              const std::string& stage, int64_t attempt) {
  SKY_ASSIGN_OR_RETURN(Statement select, db.Prepare(kAttemptForEnd));
  SKY_ASSIGN_OR_RETURN(bool found,
                       select.Bind(1, pipeline_id).Bind(2, stage).Bind(3, attempt).Step());
  if (!found) return Status::NotFound(AttemptName(pipeline_id, stage, attempt) + " not found");
  if (!select.Text(2).empty()) return std::optional<LiveAttempt>();
  return std::optional<LiveAttempt>(LiveAttempt{select.Double(0), select.Double(1)});
}

bool IsFraction(double x) { return x >= 0 && x <= 1; }  // false for NaN

}  // namespace

Status PipelineStore::RecordLaunch(const AttemptRecord& attempt, const std::string& token_hash,
                                   StageState to, const std::string& reason, double at) {
  if (attempt.attempt < 1 || attempt.idempotency_key.empty()) {
    return Status::InvalidArgument("a launch attempt needs a number >= 1 and an idempotency key");
  }
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(StageState from, LoadStageState(attempt.pipeline_id, attempt.stage));
    SKY_RETURN_IF_ERROR(CheckAttemptFree(*db_, attempt));
    SKY_RETURN_IF_ERROR(InsertAttempt(*db_, attempt, at));
    SKY_RETURN_IF_ERROR(SetStageLaunchColumns(*db_, attempt, token_hash));
    if (from == to) {
      // A next candidate while already provisioning: no arrow, only the launch event.
      SKY_RETURN_IF_ERROR(TouchPipeline(attempt.pipeline_id, at));
      return InsertEvent(
          {0, attempt.pipeline_id, attempt.stage, "launch", LaunchMessage(attempt), at});
    }
    // The transition's own "state" event carries `reason`, which says what is launched.
    SKY_RETURN_IF_ERROR(CheckTransition(from, to).WithPrefix(
        "stage '" + attempt.stage + "' of pipeline '" + attempt.pipeline_id + "'"));
    return WriteStageTransition(attempt.pipeline_id, attempt.stage, from, to, reason, at);
  });
}

Status PipelineStore::SetAttemptInstance(const std::string& pipeline_id, const std::string& stage,
                                         int64_t attempt, const std::string& instance_id) {
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kAttemptInstance));
    SKY_RETURN_IF_ERROR(
        update.Bind(1, pipeline_id).Bind(2, stage).Bind(3, attempt).Bind(4, instance_id).Run());
    if (db_->Changes() == 0) {
      return Status::NotFound(AttemptName(pipeline_id, stage, attempt) + " not found");
    }
    SKY_ASSIGN_OR_RETURN(Statement current, db_->Prepare(kStageInstance));
    return current.Bind(1, pipeline_id).Bind(2, stage).Bind(3, attempt).Bind(4, instance_id).Run();
  });
}

Status PipelineStore::EndAttempt(const std::string& pipeline_id, const std::string& stage,
                                 int64_t attempt, const std::string& outcome, double at) {
  if (outcome.empty()) return Status::InvalidArgument("an ended attempt needs an outcome");
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(std::optional<LiveAttempt> live,
                         LoadForEnd(*db_, pipeline_id, stage, attempt));
    if (!live) return Status::Ok();  // already ended: the first outcome and cost stand
    const double hours = std::max(0.0, at - live->requested_at) / 3600;
    const double cost = live->price_per_hour * hours;
    SKY_ASSIGN_OR_RETURN(Statement end, db_->Prepare(kEndAttempt));
    SKY_RETURN_IF_ERROR(end.Bind(1, pipeline_id)
                            .Bind(2, stage)
                            .Bind(3, attempt)
                            .Bind(4, outcome)
                            .Bind(5, at)
                            .Bind(6, cost)
                            .Run());
    SKY_ASSIGN_OR_RETURN(Statement add, db_->Prepare(kAddStageCost));
    return add.Bind(1, pipeline_id).Bind(2, stage).Bind(3, cost).Run();
  });
}

Result<std::vector<AttemptRecord>> PipelineStore::Attempts(const std::string& pipeline_id) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(pipeline_id));
  (void)unused;
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectAttempts));
  select.Bind(1, pipeline_id);
  return ReadAttempts(select);
}

Result<std::vector<AttemptRecord>> PipelineStore::LiveAttempts() {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectLiveAttempts));
  return ReadAttempts(select);
}

Status PipelineStore::SetStageProgress(const std::string& pipeline_id, const std::string& stage,
                                       double progress, double checkpoint,
                                       const std::string& log_tail, double at) {
  if (!IsFraction(progress) || !IsFraction(checkpoint)) {
    return Status::InvalidArgument("progress and checkpoint must be within 0..1");
  }
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kSetProgress));
  SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id)
                          .Bind(2, stage)
                          .Bind(3, progress)
                          .Bind(4, checkpoint)
                          .Bind(5, log_tail)
                          .Bind(6, at)
                          .Run());
  if (db_->Changes() == 0) {
    return Status::NotFound("stage '" + stage + "' of pipeline '" + pipeline_id + "' not found");
  }
  return Status::Ok();
}

Result<int64_t> PipelineStore::AddStageFailure(const std::string& pipeline_id,
                                               const std::string& stage) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kAddFailure));
  SKY_ASSIGN_OR_RETURN(bool row, update.Bind(1, pipeline_id).Bind(2, stage).Step());
  if (!row) {
    return Status::NotFound("stage '" + stage + "' of pipeline '" + pipeline_id + "' not found");
  }
  const int64_t failures = update.Int(0);
  // Step to the end so the autocommit write completes here, not when the statement is reset.
  SKY_RETURN_IF_ERROR(update.Run());
  return failures;
}

}  // namespace sky::broker
