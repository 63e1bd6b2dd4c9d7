#pragma once
// Numbered schema migrations of the offer catalog. Each applied version is a row of
// `schema_migrations`; opening a database applies the missing ones in order, each in its own
// transaction. Not thread-safe: call before the store is shared.

#include "catalog/sqlite_db.h"
#include "sky/types/status.h"

namespace sky::catalog {

// The newest schema version this build knows.
int LatestSchemaVersion();

// Brings `db` up to LatestSchemaVersion(). Returns FailedPrecondition when the database was
// written by a newer build (its version is above ours), the SQLite error otherwise.
Status MigrateCatalogSchema(SqliteDb& db);

}  // namespace sky::catalog
