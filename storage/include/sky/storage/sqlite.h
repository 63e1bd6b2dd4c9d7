#pragma once
// sky/storage/sqlite.h: the SQLite backend of sky::storage::Database. The only code that
// includes <sqlite3.h> is behind this header (storage/sqlite_*.cc).

#include <cstdint>
#include <memory>
#include <string>

#include "sky/storage/database.h"
#include "sky/types/result.h"

namespace sky::storage {

// Every connection gets journal_mode=WAL (an in-memory database answers "memory"; that is
// fine) and extended result codes; the rest is per store.
struct SqliteOptions {
  // How long a statement waits for another connection's lock before failing Unavailable.
  // Default: 5000 ms.
  int busy_timeout_ms = 5000;
  // synchronous=NORMAL: in WAL mode a power loss may lose the last commits, never corrupt the
  // file. false keeps SQLite's default (FULL). Default: true.
  bool synchronous_normal = true;
  // foreign_keys=ON (SQLite's default is off). Default: true.
  bool foreign_keys = true;
  // Page cache size in KiB (cache_size = -N); 0 keeps SQLite's default (2 MB). Default: 0.
  int64_t cache_size_kib = 0;
};

// Opens or creates the SQLite database at `path` (":memory:" for a private in-memory one) and
// applies `options`. Unavailable when the file cannot be opened. SQLite errors map to Status
// as everywhere in this backend: busy, locked, I/O, full, can't-open, protocol and read-only
// are Unavailable (worth retrying), the rest Internal; the message is SQLite's own.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options = SqliteOptions());

}  // namespace sky::storage
