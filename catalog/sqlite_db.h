#pragma once
// A thin RAII layer over one SQLite connection: the connection and its prepared statements are
// owned by unique_ptrs with deleters, statements are prepared once and cached by their SQL text,
// and every SQLite failure becomes a Status carrying SQLite's own message.
// Not thread-safe: the owner (SqliteOfferStore) serialises access with its mutex.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::catalog {

// Maps an SQLite result code to a Status with "<what>: <sqlite message>". Busy, locked, I/O,
// full, can't-open and protocol errors are Unavailable (worth retrying); the rest Internal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// A cached prepared statement borrowed for one use. Binds are 1-based; the first failed bind is
// remembered and returned by Step()/Run(). Bound text is not copied: REQUIRES that it outlives
// this object. On destruction the statement is reset and its bindings cleared, so the next
// borrower starts clean.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& BindNull(int index);

  // Advances one step: true when a row is ready, false when done.
  Result<bool> Step();
  // Steps to completion, ignoring rows. For INSERT/UPDATE/DDL.
  Status Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;

 private:
  Status Check(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status bind_status_;
};

class SqliteDb {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database) with a busy timeout.
  // Unavailable when the file cannot be opened.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, int busy_timeout_ms);

  // Runs constant SQL with no parameters (pragmas, DDL, BEGIN/COMMIT). Never pass SQL built
  // from data: use Prepare() and bind the values.
  Status Exec(const char* sql);

  // The cached prepared statement for `sql`, preparing it on first use. The cache is keyed by
  // address: REQUIRES `sql` to be a string constant (static storage), as all callers' SQL is.
  Result<SqliteStatement> Prepare(const char* sql);

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const { return sqlite3_changes64(db_.get()); }

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

  explicit SqliteDb(sqlite3* db) : db_(db) {}

  // Declared first so it is destroyed last: statements are finalized before the connection.
  std::unique_ptr<sqlite3, DbCloser> db_;
  std::unordered_map<const char*, StmtPtr> cache_;
};

}  // namespace sky::catalog
