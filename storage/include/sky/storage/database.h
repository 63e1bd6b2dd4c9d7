#pragma once
// sky/storage/database.h: the storage layer under every store (STYLE.md 12.19). A store is its
// schema (a list of numbered migrations) and its queries; transactions, migrations and the
// connection's settings live here, once. A backend (SQLite today: sky/storage/sqlite.h;
// PostgreSQL later) implements the virtual members; InTransaction and Migrate are written
// once on top of them.
//
// Mapping to a second backend: statements and placeholders as sky/storage/statement.h says.
// Begin() must give what SQLite's BEGIN IMMEDIATE gives: the write lock at the start, one
// writer at a time, so that a body's reads (Migrate's version check, the stores' existence
// checks) still hold at its commit. PostgreSQL: BEGIN, then pg_advisory_xact_lock on a fixed
// key. Changes() is PQcmdTuples. The stores' SQL is SQLite's dialect; a PostgreSQL backend
// will need its own migration lists for the few constructs that differ (WITHOUT ROWID,
// AUTOINCREMENT, ordering by rowid).
//
// Thread safety: a Database is not safe for concurrent use; each store owns one and serialises
// its calls with its own mutex. Several processes may open the same file.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sky/storage/statement.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::storage {

// One numbered step of a schema. Append only: never edit a migration that has shipped.
struct Migration {
  int version;      // > 0; ascending within a schema
  const char* sql;  // constant DDL, possibly several statements
};

// The schema of one store. Several stores may share one database file, each with its own
// version table.
struct Schema {
  // Names the schema in errors: "catalog", "broker", "auth".
  std::string name;
  // The table of applied versions, one row per version: (version INTEGER PRIMARY KEY), plus an
  // `applied_at TEXT NOT NULL` (UTC, ISO 8601) column when `applied_at` is set. Created when
  // missing. Lower-case letters, digits and '_' only.
  std::string version_table;
  bool applied_at = false;
  std::vector<Migration> migrations;
};

class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  virtual ~Database() = default;

  // Runs constant SQL with no parameters (DDL, possibly several statements). Never pass SQL
  // built from data: use Prepare() and bind the values.
  virtual Status Exec(const std::string& sql) = 0;

  // The cached prepared statement for `sql`, prepared on first use. The cache is keyed by
  // address: REQUIRES `sql` to be a string constant (static storage).
  virtual Result<Statement> Prepare(const char* sql) = 0;

  // A statement prepared for this one use (SQL assembled from constants, e.g. a table name).
  virtual Result<Statement> PrepareOnce(const std::string& sql) = 0;

  // Rows changed by the last INSERT/UPDATE/DELETE.
  virtual int64_t Changes() const = 0;

  // Runs `body` in one write transaction: commits when it returns OK, rolls back (and returns
  // its error) otherwise; a failed commit is rolled back and returned. FailedPrecondition when
  // called inside another InTransaction (transactions do not nest).
  Status InTransaction(const std::function<Status()>& body);

  // Brings `schema` up to its last version: each missing migration runs in its own transaction,
  // which reads the applied version first, so two processes opening a new file at once apply
  // each migration exactly once. FailedPrecondition when the database holds a newer version
  // than `schema` knows (written by a newer build); InvalidArgument for a malformed schema
  // (no migrations, versions not ascending, a bad table name); a failed migration's error
  // prefixed "<name> schema migration <version>" (that migration is rolled back).
  Status Migrate(const Schema& schema);

  // True inside InTransaction's body.
  bool in_transaction() const { return in_transaction_; }

 protected:
  friend class DatabaseWrapper;
  // Transaction control for InTransaction: begin a write transaction, commit, roll back.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

 private:
  Result<int64_t> ReadVersion(const Schema& schema);
  Status ApplyNext(const Schema& schema, bool& done);

  bool in_transaction_ = false;
};

// Forwards every call to another Database, so that a test overrides one method (LevelDB's
// EnvWrapper). Does not own the target: REQUIRES that it outlives the wrapper.
class DatabaseWrapper : public Database {
 public:
  explicit DatabaseWrapper(Database& target) : target_(target) {}

  Status Exec(const std::string& sql) override { return target_.Exec(sql); }
  Result<Statement> Prepare(const char* sql) override { return target_.Prepare(sql); }
  Result<Statement> PrepareOnce(const std::string& sql) override {
    return target_.PrepareOnce(sql);
  }
  int64_t Changes() const override { return target_.Changes(); }

 protected:
  Status Begin() override { return target_.Begin(); }
  Status Commit() override { return target_.Commit(); }
  Status Rollback() override { return target_.Rollback(); }

 private:
  Database& target_;
};

}  // namespace sky::storage
