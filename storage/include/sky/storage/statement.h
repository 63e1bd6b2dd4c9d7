#pragma once
// sky/storage/statement.h: a prepared SQL statement, as the stores see it. `Statement` is a
// small move-only handle with the binds, the step and the column getters; the backend (SQLite
// today, PostgreSQL later) implements `StatementImpl` behind it.
//
// Placeholders: SQL text uses SQLite's numbered `?N` (or bare `?`) parameters, 1-based. A backend
// whose driver numbers differently rewrites them when it prepares (libpq: `?N` -> `$N`).
// Thread safety: neither class is safe for concurrent use; a statement belongs to the thread
// that holds its database's owner lock (each store serialises calls with its own mutex).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::storage {

// The backend half of a prepared statement. Every Status below is the backend's error mapped
// as OpenSqlite documents (Unavailable when worth retrying, Internal otherwise).
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;

  // Binds parameter `index` (1-based). Bound text is not copied: REQUIRES that it outlives the
  // next Step()/Reset().
  virtual Status BindText(int index, std::string_view text) = 0;
  virtual Status BindDouble(int index, double value) = 0;
  virtual Status BindInt(int index, int64_t value) = 0;
  virtual Status BindNull(int index) = 0;

  // Advances one row: true when a row is ready, false when the statement is done.
  virtual Result<bool> Step() = 0;

  // Columns of the current row, 0-based. REQUIRES: the last Step() returned true.
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;

  // Back to the unexecuted state with no bindings, so the next user of a cached statement
  // starts clean.
  virtual void Reset() = 0;
};

// A prepared statement borrowed for one use. Binds chain and remember the first failure, which
// Step()/Run() return; on destruction the statement is reset (a cached one) or freed (a
// one-off one).
class Statement {
 public:
  // A cached statement owned by the database: reset on destruction, never freed.
  static Statement Borrow(StatementImpl* impl) { return Statement(impl, nullptr); }
  // A one-off statement (Database::PrepareOnce): freed on destruction.
  static Statement Own(std::unique_ptr<StatementImpl> impl) {
    StatementImpl* raw = impl.get();
    return Statement(raw, std::move(impl));
  }

  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binds are 1-based. Bound text is not copied: REQUIRES that it outlives this object.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, int64_t value);
  Statement& BindNull(int index);

  // Advances one step: true when a row is ready, false when done. The first failed bind, if any.
  Result<bool> Step();
  // Steps to completion, ignoring rows. For INSERT/UPDATE/DDL.
  Status Run();

  bool IsNull(int column) const { return impl_->IsNull(column); }
  int64_t Int(int column) const { return impl_->Int(column); }
  double Double(int column) const { return impl_->Double(column); }
  std::string Text(int column) const { return impl_->Text(column); }

 private:
  Statement(StatementImpl* impl, std::unique_ptr<StatementImpl> owned)
      : impl_(impl), owned_(std::move(owned)) {}
  void Remember(Status status);

  StatementImpl* impl_;
  std::unique_ptr<StatementImpl> owned_;  // set for a one-off statement only
  Status bind_status_;
};

}  // namespace sky::storage
