#include "sky/storage/database.h"

#include <chrono>
#include <cstdint>
#include <string>

#include "sky/types/civil_time.h"

namespace sky::storage {
namespace {

bool IsTableName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status CheckSchema(const Schema& schema) {
  if (!IsTableName(schema.version_table)) {
    return Status::InvalidArgument("schema '" + schema.name + "': bad version table name '" +
                                   schema.version_table + "'");
  }
  if (schema.migrations.empty()) {
    return Status::InvalidArgument("schema '" + schema.name + "' has no migrations");
  }
  int previous = 0;
  for (const Migration& migration : schema.migrations) {
    if (migration.version <= previous || migration.sql == nullptr) {
      return Status::InvalidArgument("schema '" + schema.name +
                                     "': migration versions must ascend from 1, each with SQL");
    }
    previous = migration.version;
  }
  return Status::Ok();
}

// The DDL of the version table exactly as the stores wrote it before this module, so that a
// file they created is recognised.
std::string CreateVersionTableSql(const Schema& schema) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + schema.version_table;
  if (schema.applied_at) {
    return sql + " (version INTEGER PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)";
  }
  return sql + " (version INTEGER PRIMARY KEY)";
}

// Bookkeeping only (nothing reads it back), so wall-clock time rather than an injected Clock.
// Wall time at the edge: the applied_at column records when a migration ran.
std::string UtcNow() {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return FormatIsoUtc(now);
}

Status NewerThanBuild(const Schema& schema, int64_t current) {
  return Status::FailedPrecondition(
      schema.name + " schema version " + std::to_string(current) + " is newer than this build's " +
      std::to_string(schema.migrations.back().version) + "; use a newer skybroker");
}

}  // namespace

Status Database::InTransaction(const std::function<Status()>& body) {
  if (in_transaction_) return Status::FailedPrecondition("transactions do not nest");
  SKY_RETURN_IF_ERROR(Begin());
  in_transaction_ = true;
  Status status = body();
  if (status.ok()) status = Commit();
  // A failed COMMIT may leave the transaction open; ROLLBACK then closes it (its own error,
  // when no transaction is left, is moot).
  if (!status.ok()) (void)Rollback();
  in_transaction_ = false;
  return status;
}

Result<int64_t> Database::ReadVersion(const Schema& schema) {
  SKY_ASSIGN_OR_RETURN(Statement select, PrepareOnce("SELECT COALESCE(MAX(version), 0) FROM " +
                                                     schema.version_table));
  SKY_ASSIGN_OR_RETURN(const bool row, select.Step());
  return row ? select.Int(0) : int64_t{0};
}

// One transaction: reads the version under the write lock and applies the next migration, or
// sets `done` when there is none.
Status Database::ApplyNext(const Schema& schema, bool& done) {
  return InTransaction([&]() -> Status {
    SKY_ASSIGN_OR_RETURN(const int64_t current, ReadVersion(schema));
    if (current > schema.migrations.back().version) return NewerThanBuild(schema, current);
    const Migration* next = nullptr;
    for (const Migration& migration : schema.migrations) {
      if (migration.version > current) {
        next = &migration;
        break;
      }
    }
    done = next == nullptr;
    if (done) return Status::Ok();
    const std::string prefix = schema.name + " schema migration " + std::to_string(next->version);
    SKY_RETURN_IF_ERROR(Exec(next->sql).WithPrefix(prefix));
    const std::string table = schema.version_table;
    SKY_ASSIGN_OR_RETURN(
        Statement insert,
        PrepareOnce(schema.applied_at
                        ? "INSERT INTO " + table + "(version, applied_at) VALUES (?1, ?2)"
                        : "INSERT INTO " + table + "(version) VALUES (?1)"));
    const std::string now = UtcNow();
    insert.Bind(1, int64_t{next->version});
    if (schema.applied_at) insert.Bind(2, now);
    return insert.Run().WithPrefix(prefix);
  });
}

Status Database::Migrate(const Schema& schema) {
  SKY_RETURN_IF_ERROR(CheckSchema(schema));
  SKY_RETURN_IF_ERROR(Exec(CreateVersionTableSql(schema)));
  // Fast path without the write lock: versions only grow, so an up-to-date (or newer) reading
  // is final. Anything older is read again inside each migration's transaction.
  SKY_ASSIGN_OR_RETURN(const int64_t current, ReadVersion(schema));
  if (current > schema.migrations.back().version) return NewerThanBuild(schema, current);
  if (current == schema.migrations.back().version) return Status::Ok();
  bool done = false;
  while (!done) SKY_RETURN_IF_ERROR(ApplyNext(schema, done));
  return Status::Ok();
}

}  // namespace sky::storage
