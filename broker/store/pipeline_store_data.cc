// PipelineStore, data plane (schema version 3): checkpoint and output locations, transfers.
#include "sky/broker/pipeline_store.h"
#include "sky/storage/database.h"

namespace sky::broker {
namespace {

using storage::Statement;

constexpr char kSetCheckpoint[] =
    "UPDATE stages SET checkpoint = ?3, checkpoint_uri = ?4, checkpoint_location = ?5"
    " WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kSetOutput[] =
    "UPDATE stages SET output_uri = ?3, output_location = ?4 WHERE pipeline_id = ?1 AND name = ?2";
constexpr char kInsertTransfer[] =
    "INSERT INTO transfers(pipeline_id, stage, attempt, kind, name, uri, src, dst, bytes, seconds,"
    " usd, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
constexpr char kSelectTransfers[] =
    "SELECT seq, stage, attempt, kind, name, uri, src, dst, bytes, seconds, usd, at"
    " FROM transfers WHERE pipeline_id = ?1 ORDER BY seq";

Status StageNotFound(const std::string& pipeline_id, const std::string& stage) {
  return Status::NotFound("stage '" + stage + "' of pipeline '" + pipeline_id + "' not found");
}

}  // namespace

Status PipelineStore::SetStageCheckpoint(const std::string& pipeline_id, const std::string& stage,
                                         double checkpoint, const std::string& checkpoint_uri,
                                         const std::string& checkpoint_location) {
  if (!(checkpoint >= 0 && checkpoint <= 1)) {
    return Status::InvalidArgument("checkpoint must be within 0..1");
  }
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kSetCheckpoint));
  SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id)
                          .Bind(2, stage)
                          .Bind(3, checkpoint)
                          .Bind(4, checkpoint_uri)
                          .Bind(5, checkpoint_location)
                          .Run());
  if (db_->Changes() == 0) return StageNotFound(pipeline_id, stage);
  return Status::Ok();
}

Status PipelineStore::SetStageOutput(const std::string& pipeline_id, const std::string& stage,
                                     const std::string& output_uri,
                                     const std::string& output_location) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kSetOutput));
  SKY_RETURN_IF_ERROR(update.Bind(1, pipeline_id)
                          .Bind(2, stage)
                          .Bind(3, output_uri)
                          .Bind(4, output_location)
                          .Run());
  if (db_->Changes() == 0) return StageNotFound(pipeline_id, stage);
  return Status::Ok();
}

Status PipelineStore::RecordTransfers(const std::vector<TransferRecord>& transfers) {
  for (const TransferRecord& t : transfers) {
    if (t.kind.empty()) return Status::InvalidArgument("a transfer needs a kind");
    if (t.bytes < 0) return Status::InvalidArgument("a transfer's bytes must not be negative");
  }
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    for (const TransferRecord& t : transfers) {
      SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(t.pipeline_id));
      (void)unused;
      SKY_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsertTransfer));
      SKY_RETURN_IF_ERROR(insert.Bind(1, t.pipeline_id)
                              .Bind(2, t.stage)
                              .Bind(3, t.attempt)
                              .Bind(4, t.kind)
                              .Bind(5, t.name)
                              .Bind(6, t.uri)
                              .Bind(7, t.src)
                              .Bind(8, t.dst)
                              .Bind(9, t.bytes)
                              .Bind(10, t.seconds)
                              .Bind(11, t.usd)
                              .Bind(12, t.at)
                              .Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<TransferRecord>> PipelineStore::Transfers(const std::string& pipeline_id) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(pipeline_id));
  (void)unused;
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectTransfers));
  select.Bind(1, pipeline_id);
  std::vector<TransferRecord> out;
  while (true) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    TransferRecord t;
    t.seq = select.Int(0);
    t.pipeline_id = pipeline_id;
    t.stage = select.Text(1);
    t.attempt = select.Int(2);
    t.kind = select.Text(3);
    t.name = select.Text(4);
    t.uri = select.Text(5);
    t.src = select.Text(6);
    t.dst = select.Text(7);
    t.bytes = select.Int(8);
    t.seconds = select.Double(9);
    t.usd = select.Double(10);
    t.at = select.Double(11);
    out.push_back(std::move(t));
  }
}

}  // namespace sky::broker
