// PipelineStore: the event log and pipeline listings (schema version 2). Split from
// pipeline_store.cc to keep each file small; the members share the class's mutex and helpers.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sky/broker/pipeline_store.h"
#include "sky/storage/database.h"

namespace sky::broker {
namespace {

using storage::Statement;

constexpr char kInsertEvent[] =
    "INSERT INTO events(pipeline_id, stage, kind, message, at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectEvents[] =
    "SELECT seq, stage, kind, message, at FROM events WHERE pipeline_id = ?1 AND seq > ?2"
    " ORDER BY seq LIMIT ?3";
// One constant statement per filter shape, indexed by (tenant set) + 2 * (state set): each
// can use its own index, and no SQL is ever built from data. Parameters: ?1 tenant, ?2 state,
// ?3 limit (-1: none), ?4 offset; a shape ignores the ones it does not name.
constexpr const char* kListPipelines[] = {
    "SELECT id FROM pipelines"
    " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
    "SELECT id FROM pipelines WHERE tenant = ?1"
    " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
    "SELECT id FROM pipelines WHERE state = ?2"
    " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
    "SELECT id FROM pipelines WHERE tenant = ?1 AND state = ?2"
    " ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
};
constexpr char kCountByState[] = "SELECT state, COUNT(*) FROM pipelines GROUP BY state";

constexpr PipelineState kAllPipelineStates[] = {
    PipelineState::kSubmitted, PipelineState::kPlanned, PipelineState::kRunning,
    PipelineState::kSucceeded, PipelineState::kFailed,  PipelineState::kCancelled,
};

// SQLite takes signed 64-bit counts; anything larger means "all" anyway.
int64_t ToSqlCount(size_t n) {
  return static_cast<int64_t>(std::min<size_t>(n, std::numeric_limits<int64_t>::max()));
}

}  // namespace

Status PipelineStore::InsertEvent(const EventRecord& e) {
  SKY_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsertEvent));
  insert.Bind(1, e.pipeline_id);
  if (e.stage) {
    insert.Bind(2, *e.stage);
  } else {
    insert.BindNull(2);
  }
  return insert.Bind(3, e.kind).Bind(4, e.message).Bind(5, e.at).Run();
}

Status PipelineStore::AppendEvent(const std::string& pipeline_id,
                                  const std::optional<std::string>& stage, const std::string& kind,
                                  const std::string& message, double at) {
  if (kind.empty()) return Status::InvalidArgument("an event needs a kind");
  MutexLock lock(mu_);
  if (stage) {
    SKY_ASSIGN_OR_RETURN(StageState unused, LoadStageState(pipeline_id, *stage));
    (void)unused;
  } else {
    SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(pipeline_id));
    (void)unused;
  }
  // One INSERT: autocommit makes it atomic without an explicit transaction.
  return InsertEvent({0, pipeline_id, stage, kind, message, at});
}

Result<std::vector<EventRecord>> PipelineStore::Events(const std::string& pipeline_id,
                                                       int64_t after_seq, size_t limit) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(PipelineState unused, LoadPipelineState(pipeline_id));
  (void)unused;
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectEvents));
  select.Bind(1, pipeline_id).Bind(2, after_seq).Bind(3, ToSqlCount(limit));
  std::vector<EventRecord> out;
  while (true) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    EventRecord e{select.Int(0),  pipeline_id,    std::nullopt,
                  select.Text(2), select.Text(3), select.Double(4)};
    if (!select.IsNull(1)) e.stage = select.Text(1);
    out.push_back(std::move(e));
  }
}

Result<std::vector<PipelineRecord>> PipelineStore::ListPipelines(const PipelineFilter& filter) {
  MutexLock lock(mu_);
  const std::string state = filter.state ? std::string(Name(*filter.state)) : std::string();
  const size_t shape = (filter.tenant.empty() ? 0 : 1) + (filter.state ? 2 : 0);
  std::vector<std::string> ids;
  {
    SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kListPipelines[shape]));
    select.Bind(1, filter.tenant)
        .Bind(2, state)
        .Bind(3, filter.limit == 0 ? int64_t{-1} : ToSqlCount(filter.limit))
        .Bind(4, ToSqlCount(filter.offset));
    while (true) {
      SKY_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      ids.push_back(select.Text(0));
    }
  }
  std::vector<PipelineRecord> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    SKY_ASSIGN_OR_RETURN(PipelineRecord p, LoadPipeline(id));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> PipelineStore::CountByState() {
  MutexLock lock(mu_);
  std::map<std::string, int64_t> counted;
  {
    SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kCountByState));
    while (true) {
      SKY_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      counted[select.Text(0)] = select.Int(1);
    }
  }
  std::vector<std::pair<std::string, int64_t>> out;
  for (PipelineState s : kAllPipelineStates) {
    const std::string name(Name(s));
    out.emplace_back(name, counted.count(name) ? counted[name] : 0);
  }
  return out;
}

}  // namespace sky::broker
