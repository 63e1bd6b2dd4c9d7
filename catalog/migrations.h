#pragma once
// Numbered schema migrations of the offer catalog. Each applied version is a row of
// `schema_migrations` (with its applied_at); storage::Database::Migrate applies the missing
// ones in order, each in its own transaction.

#include "sky/storage/database.h"

namespace sky::catalog {

// The catalog's tables `offers` and `price_history`, for Database::Migrate.
const storage::Schema& CatalogSchema();

// The newest schema version this build knows.
int LatestSchemaVersion();

}  // namespace sky::catalog
