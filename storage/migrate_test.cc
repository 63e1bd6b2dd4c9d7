#include <gtest/gtest.h>

#include <memory>

#include "sky/storage/database.h"
#include "sky/storage/sqlite.h"
#include "storage/test_db_dir.h"
#include "tests/support/status_matchers.h"

namespace sky::storage {
namespace {

Schema TwoSteps() {
  return {"test",
          "test_schema_migrations",
          false,
          {{1, "CREATE TABLE a (x INTEGER)"},
           {2, "CREATE TABLE b (y TEXT); CREATE INDEX b_y ON b(y)"}}};
}

class MigrateTest : public DbDirTest {
 protected:
  std::unique_ptr<Database> Open() {
    auto db = OpenSqlite(DbPath());
    EXPECT_OK(db);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  int64_t Query(Database& db, const std::string& sql) {
    auto stmt = db.PrepareOnce(sql);
    EXPECT_OK(stmt);
    if (!stmt.ok() || !stmt->Step().value()) return -1;
    return stmt->Int(0);
  }
};

TEST_F(MigrateTest, RunsEachMigrationOnceAndIsIdempotentOnReopen) {
  {
    std::unique_ptr<Database> db = Open();
    ASSERT_OK(db->Migrate(TwoSteps()));
    ASSERT_OK(db->Migrate(TwoSteps()));
  }
  std::unique_ptr<Database> db = Open();
  ASSERT_OK(db->Migrate(TwoSteps()));  // "table a already exists" if it ran again
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM test_schema_migrations"), 2);
  EXPECT_EQ(Query(*db, "SELECT MAX(version) FROM test_schema_migrations"), 2);
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('a', 'b', 'b_y')"), 3);
}

TEST_F(MigrateTest, AppliesOnlyTheMigrationsAddedSinceTheLastOpen) {
  Schema first = TwoSteps();
  first.migrations.pop_back();
  ASSERT_OK(Open()->Migrate(first));
  std::unique_ptr<Database> db = Open();
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"), 0);
  ASSERT_OK(db->Migrate(TwoSteps()));
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"), 1);
}

TEST_F(MigrateTest, RejectsADatabaseNewerThanTheCode) {
  std::unique_ptr<Database> db = Open();
  ASSERT_OK(db->Migrate(TwoSteps()));
  ASSERT_OK(db->Exec("INSERT INTO test_schema_migrations(version) VALUES (9)"));
  const Status status = Open()->Migrate(TwoSteps());
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
  EXPECT_NE(status.message().find("test schema version 9 is newer than this build's 2"),
            std::string::npos)
      << status.message();
}

// Two processes open a new file at once. This one read version 0 before its transaction;
// the other migrates completely before this one takes the write lock. Reading the version
// inside the transaction sees 2 and applies nothing (else: "table a already exists").
class RacingDatabase : public DatabaseWrapper {
 public:
  RacingDatabase(Database& target, Database& other) : DatabaseWrapper(target), other_(other) {}
  Status other_status;

 protected:
  Status Begin() override {
    if (!raced_) {
      raced_ = true;
      other_status = other_.Migrate(TwoSteps());
    }
    return DatabaseWrapper::Begin();
  }

 private:
  Database& other_;
  bool raced_ = false;
};

TEST_F(MigrateTest, ReadsTheVersionInsideTheTransaction) {
  std::unique_ptr<Database> mine = Open();
  std::unique_ptr<Database> theirs = Open();
  RacingDatabase racing(*mine, *theirs);
  EXPECT_OK(racing.Migrate(TwoSteps()));
  EXPECT_OK(racing.other_status);
  EXPECT_EQ(Query(*mine, "SELECT COUNT(*) FROM test_schema_migrations"), 2);
}

TEST_F(MigrateTest, AFailedMigrationIsRolledBackAndNamed) {
  Schema broken = TwoSteps();
  broken.migrations[1].sql = "CREATE TABLE b (y TEXT); CREATE INDEX bad ON nowhere(y)";
  std::unique_ptr<Database> db = Open();
  const Status status = db->Migrate(broken);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message().rfind("test schema migration 2: ", 0), 0u) << status.message();
  EXPECT_EQ(Query(*db, "SELECT MAX(version) FROM test_schema_migrations"), 1);
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'"), 0);
  EXPECT_FALSE(db->in_transaction());
}

TEST_F(MigrateTest, RecordsAppliedAtWhenTheSchemaAsksForIt) {
  Schema stamped = TwoSteps();
  stamped.applied_at = true;
  std::unique_ptr<Database> db = Open();
  ASSERT_OK(db->Migrate(stamped));
  auto row = db->PrepareOnce("SELECT applied_at FROM test_schema_migrations WHERE version = 2");
  ASSERT_OK(row);
  ASSERT_TRUE(row->Step().value());
  const std::string at = row->Text(0);
  EXPECT_EQ(at.size(), 20u) << at;  // 2026-01-02T03:04:05Z
  EXPECT_EQ(at.back(), 'Z');
}

TEST_F(MigrateTest, SchemasSharingAFileKeepSeparateVersions) {
  Schema other{"other", "other_schema_migrations", false, {{1, "CREATE TABLE c (z REAL)"}}};
  std::unique_ptr<Database> db = Open();
  ASSERT_OK(db->Migrate(TwoSteps()));
  ASSERT_OK(db->Migrate(other));
  EXPECT_EQ(Query(*db, "SELECT MAX(version) FROM other_schema_migrations"), 1);
  EXPECT_EQ(Query(*db, "SELECT MAX(version) FROM test_schema_migrations"), 2);
}

TEST_F(MigrateTest, RejectsAMalformedSchema) {
  std::unique_ptr<Database> db = Open();
  Schema empty{"x", "x_versions", false, {}};
  EXPECT_EQ(db->Migrate(empty).code(), StatusCode::kInvalidArgument);
  Schema descending{"x", "x_versions", false, {{2, "SELECT 1"}, {1, "SELECT 1"}}};
  EXPECT_EQ(db->Migrate(descending).code(), StatusCode::kInvalidArgument);
  Schema injected{"x", "v; DROP TABLE a", false, {{1, "SELECT 1"}}};
  EXPECT_EQ(db->Migrate(injected).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sky::storage
