#pragma once
// SQLite result codes to Status, for the SQLite backend (storage/sqlite_*.cc) and its tests.

#include <sqlite3.h>

#include <string_view>

#include "sky/types/status.h"

namespace sky::storage {

// "<what>: <sqlite message>". Busy, locked, I/O, full, can't-open, protocol and read-only
// errors are Unavailable (worth retrying); the rest Internal. `db` may be null.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace sky::storage
