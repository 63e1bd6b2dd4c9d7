#include "catalog/migrations.h"

#include <string>

namespace sky::catalog {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit a migration that has shipped, add the next number instead.
constexpr Migration kMigrations[] = {
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

Result<int> CurrentVersion(SqliteDb& db) {
  SKY_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)"));
  SKY_ASSIGN_OR_RETURN(SqliteStatement stmt,
                       db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  SKY_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  return row ? static_cast<int>(stmt.Int(0)) : 0;
}

Status Apply(SqliteDb& db, const Migration& migration) {
  SKY_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = db.Exec(migration.sql);
  if (s.ok()) {
    auto stmt = db.Prepare(
        "INSERT INTO schema_migrations(version, applied_at) "
        "VALUES(?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
    s = stmt.ok() ? stmt->Bind(1, int64_t{migration.version}).Run() : stmt.status();
  }
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) {
    (void)db.Exec("ROLLBACK");
    return s.WithPrefix("schema migration " + std::to_string(migration.version));
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return std::end(kMigrations)[-1].version; }

Status MigrateCatalogSchema(SqliteDb& db) {
  SKY_ASSIGN_OR_RETURN(const int current, CurrentVersion(db));
  if (current > LatestSchemaVersion()) {
    return Status::FailedPrecondition("catalog database has schema version " +
                                      std::to_string(current) + ", newer than this build's " +
                                      std::to_string(LatestSchemaVersion()) +
                                      "; use a newer skybroker");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version > current) SKY_RETURN_IF_ERROR(Apply(db, migration));
  }
  return Status::Ok();
}

}  // namespace sky::catalog
