// The SQLite backend of sky::storage::Database: one connection, owned by a unique_ptr with a
// deleter, and its prepared statements, prepared once and cached by their SQL's address.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "sky/storage/sqlite.h"
#include "storage/sqlite_error.h"

namespace sky::storage {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, StmtPtr stmt) : db_(db), stmt_(std::move(stmt)) {}

  Status BindText(int index, std::string_view text) override {
    // SQLITE_STATIC: no copy; the caller keeps the text alive while the statement is borrowed.
    // A null data pointer would bind SQL NULL, so an empty view binds "" instead.
    const char* data = text.data() != nullptr ? text.data() : "";
    return Check(
        sqlite3_bind_text(stmt_.get(), index, data, static_cast<int>(text.size()), SQLITE_STATIC));
  }
  Status BindDouble(int index, double value) override {
    return Check(sqlite3_bind_double(stmt_.get(), index, value));
  }
  Status BindInt(int index, int64_t value) override {
    return Check(sqlite3_bind_int64(stmt_.get(), index, value));
  }
  Status BindNull(int index) override { return Check(sqlite3_bind_null(stmt_.get(), index)); }

  Result<bool> Step() override {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // sqlite3_step's own code can be generic; sqlite3_reset returns the specific one.
    const int specific = sqlite3_reset(stmt_.get());
    return SqliteError(db_, specific != SQLITE_OK ? specific : rc, sqlite3_sql(stmt_.get()));
  }

  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
  }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_.get(), column); }
  double Double(int column) const override { return sqlite3_column_double(stmt_.get(), column); }
  std::string Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
  }

  void Reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

 private:
  Status Check(int rc) {
    if (rc == SQLITE_OK) return Status::Ok();
    return SqliteError(db_, rc, "binding a parameter");
  }

  sqlite3* db_;
  StmtPtr stmt_;
};

// Transaction control as cached statements: sqlite3_exec would re-parse them on every write.
constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}

  Status Exec(const std::string& sql) override {
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    return SqliteError(db_.get(), rc, std::string_view(sql).substr(0, 60));
  }

  Result<Statement> Prepare(const char* sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      SKY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStatement> stmt,
                           Compile(sql, SQLITE_PREPARE_PERSISTENT));
      it = cache_.emplace(sql, std::move(stmt)).first;
    }
    return Statement::Borrow(it->second.get());
  }

  Result<Statement> PrepareOnce(const std::string& sql) override {
    SKY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStatement> stmt, Compile(sql.c_str(), 0));
    return Statement::Own(std::move(stmt));
  }

  int64_t Changes() const override { return sqlite3_changes64(db_.get()); }

  // Applies the options' pragmas; see SqliteOptions.
  Status Configure(const SqliteOptions& options) {
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), options.busy_timeout_ms);
    SKY_RETURN_IF_ERROR(Exec("PRAGMA journal_mode = WAL"));
    if (options.synchronous_normal) SKY_RETURN_IF_ERROR(Exec("PRAGMA synchronous = NORMAL"));
    if (options.foreign_keys) SKY_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON"));
    if (options.cache_size_kib > 0) {
      SKY_RETURN_IF_ERROR(Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib)));
    }
    return Status::Ok();
  }

 protected:
  Status Begin() override { return RunCached(kBegin); }
  Status Commit() override { return RunCached(kCommit); }
  Status Rollback() override { return RunCached(kRollback); }

 private:
  Result<std::unique_ptr<SqliteStatement>> Compile(const char* sql, unsigned flags) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql, -1, flags, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, std::string("preparing ") + sql);
    return std::make_unique<SqliteStatement>(db_.get(), std::move(stmt));
  }

  Status RunCached(const char* sql) {
    SKY_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
    return statement.Run();
  }

  // Declared first so it is destroyed last: statements are finalized before the connection.
  DbPtr db_;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> cache_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // Even a failed open may allocate a handle; owning it at once closes it on every path.
  auto db = std::make_unique<SqliteDatabase>(raw);
  if (rc != SQLITE_OK) {
    return Status::Unavailable(SqliteError(raw, rc, "opening " + path).message());
  }
  SKY_RETURN_IF_ERROR(db->Configure(options));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace sky::storage
