#include "catalog/migrations.h"

#include <iterator>
#include <vector>

namespace sky::catalog {
namespace {

// Append only: never edit a migration that has shipped, add the next number instead.
constexpr storage::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE offers (
  id TEXT NOT NULL PRIMARY KEY,
  provider TEXT NOT NULL,
  region TEXT NOT NULL,
  zone TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  accelerator TEXT NOT NULL,
  accelerator_count INTEGER NOT NULL,
  accelerator_memory_gb REAL NOT NULL,
  vcpus REAL NOT NULL,
  memory_gb REAL NOT NULL,
  market TEXT NOT NULL,
  price_per_hour REAL NOT NULL,
  reserved_term_months INTEGER,
  available INTEGER,
  observed_at TEXT NOT NULL,
  source TEXT NOT NULL
) WITHOUT ROWID;
-- The key doubles as the index of PriceHistory's range reads (offer_id = ? AND observed_at
-- BETWEEN ...), and WITHOUT ROWID keeps each table one B-tree: half the writes per ingest.
CREATE TABLE price_history (
  offer_id TEXT NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
  observed_at TEXT NOT NULL,
  price_per_hour REAL NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (offer_id, observed_at, price_per_hour)
) WITHOUT ROWID;
)sql"},
};

}  // namespace

const storage::Schema& CatalogSchema() {
  static const storage::Schema schema{
      "catalog", "schema_migrations", /*applied_at=*/true,
      std::vector<storage::Migration>(std::begin(kMigrations), std::end(kMigrations))};
  return schema;
}

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

}  // namespace sky::catalog
