#include "sky/storage/database.h"

#include <gtest/gtest.h>

#include "sky/storage/sqlite.h"
#include "storage/test_db_dir.h"
#include "tests/support/status_matchers.h"

namespace sky::storage {
namespace {

class DatabaseTest : public DbDirTest {
 protected:
  void SetUp() override {
    DbDirTest::SetUp();
    db_ = Open();
    ASSERT_OK(db_->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v REAL)"));
  }
  std::unique_ptr<Database> Open(const SqliteOptions& options = SqliteOptions()) {
    auto db = OpenSqlite(DbPath(), options);
    EXPECT_OK(db);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  Status Insert(Database& db, const std::string& k, double v) {
    SKY_ASSIGN_OR_RETURN(Statement insert, db.Prepare("INSERT INTO t(k, v) VALUES (?1, ?2)"));
    return insert.Bind(1, k).Bind(2, v).Run();
  }
  int64_t Count(Database& db) {
    auto count = db.Prepare("SELECT COUNT(*) FROM t");
    EXPECT_OK(count);
    EXPECT_TRUE(count->Step().value());
    return count->Int(0);
  }

  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, InTransactionCommitsWhenTheBodyIsOk) {
  EXPECT_OK(db_->InTransaction([&] {
    EXPECT_TRUE(db_->in_transaction());
    SKY_RETURN_IF_ERROR(Insert(*db_, "a", 1));
    return Insert(*db_, "b", 2);
  }));
  EXPECT_FALSE(db_->in_transaction());
  // Visible to another connection: committed, not just written.
  EXPECT_EQ(Count(*Open()), 2);
}

TEST_F(DatabaseTest, InTransactionRollsBackAndReturnsTheBodysError) {
  const Status status = db_->InTransaction([&] {
    SKY_RETURN_IF_ERROR(Insert(*db_, "a", 1));
    return Status::NotFound("stop here");
  });
  EXPECT_TRUE(status.IsNotFound()) << status.ToString();
  EXPECT_EQ(status.message(), "stop here");
  EXPECT_EQ(Count(*db_), 0);
  EXPECT_FALSE(db_->in_transaction());
}

TEST_F(DatabaseTest, InTransactionRollsBackOnAStatementError) {
  ASSERT_OK(Insert(*db_, "a", 1));
  const Status status = db_->InTransaction([&] {
    SKY_RETURN_IF_ERROR(Insert(*db_, "b", 2));
    return Insert(*db_, "a", 3);  // primary key taken
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal) << status.ToString();
  EXPECT_NE(status.message().find("UNIQUE constraint failed"), std::string::npos);
  EXPECT_EQ(Count(*db_), 1);
  // The connection is usable again: the rollback closed the transaction.
  EXPECT_OK(db_->InTransaction([&] { return Insert(*db_, "c", 4); }));
}

TEST_F(DatabaseTest, TransactionsDoNotNest) {
  Status inner;
  EXPECT_OK(db_->InTransaction([&] {
    inner = db_->InTransaction([] { return Status::Ok(); });
    return Status::Ok();
  }));
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
}

TEST_F(DatabaseTest, AWriterWaitingPastTheBusyTimeoutIsUnavailable) {
  SqliteOptions impatient;
  impatient.busy_timeout_ms = 0;
  std::unique_ptr<Database> other = Open(impatient);
  Status blocked;
  EXPECT_OK(db_->InTransaction([&] {
    blocked = other->InTransaction([&] { return Insert(*other, "x", 1); });
    return Insert(*db_, "y", 2);
  }));
  EXPECT_EQ(blocked.code(), StatusCode::kUnavailable) << blocked.ToString();
  EXPECT_FALSE(other->in_transaction());
}

TEST_F(DatabaseTest, StatementsBindReadAndResetForTheNextUse) {
  ASSERT_OK(Insert(*db_, "a", 1.5));
  for (int i = 0; i < 2; ++i) {  // the cached statement starts clean each time
    auto select = db_->Prepare("SELECT k, v, NULL FROM t WHERE k = ?1");
    ASSERT_OK(select);
    ASSERT_TRUE(select->Bind(1, std::string("a")).Step().value());
    EXPECT_EQ(select->Text(0), "a");
    EXPECT_DOUBLE_EQ(select->Double(1), 1.5);
    EXPECT_TRUE(select->IsNull(2));
    EXPECT_FALSE(select->Step().value());
  }
  auto once = db_->PrepareOnce("SELECT COUNT(*) FROM t WHERE v > ?1");
  ASSERT_OK(once);
  ASSERT_TRUE(once->Bind(1, 1.0).Step().value());
  EXPECT_EQ(once->Int(0), 1);
}

TEST_F(DatabaseTest, AFailedBindIsReturnedByStep) {
  auto select = db_->Prepare("SELECT v FROM t WHERE k = ?1");
  ASSERT_OK(select);
  const Result<bool> row = select->Bind(1, std::string("a")).Bind(7, int64_t{1}).Step();
  EXPECT_EQ(row.status().code(), StatusCode::kInternal);
  EXPECT_NE(row.status().message().find("binding a parameter"), std::string::npos);
}

TEST_F(DatabaseTest, PrepareOfBadSqlIsInternal) {
  EXPECT_EQ(db_->Prepare("SELECT nope FROM t").status().code(), StatusCode::kInternal);
  EXPECT_EQ(db_->Exec("NOT SQL").code(), StatusCode::kInternal);
}

TEST_F(DatabaseTest, ChangesCountsTheLastWrite) {
  ASSERT_OK(Insert(*db_, "a", 1));
  ASSERT_OK(Insert(*db_, "b", 1));
  auto update = db_->Prepare("UPDATE t SET v = 2 WHERE v = 1");
  ASSERT_OK(update);
  ASSERT_OK(update->Run());
  EXPECT_EQ(db_->Changes(), 2);
}

TEST_F(DatabaseTest, OptionsSetThePragmasAtOpen) {
  SqliteOptions options;
  options.cache_size_kib = 4096;
  std::unique_ptr<Database> tuned = Open(options);
  const auto pragma = [&](const char* sql) {
    auto stmt = tuned->PrepareOnce(sql);
    EXPECT_OK(stmt);
    EXPECT_TRUE(stmt->Step().value());
    return stmt->Text(0);
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma("PRAGMA cache_size"), "-4096");

  SqliteOptions plain;
  plain.synchronous_normal = false;
  plain.foreign_keys = false;
  tuned = Open(plain);
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL, SQLite's default
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "0");
}

TEST_F(DatabaseTest, OpeningAnUnreachablePathIsUnavailable) {
  auto db = OpenSqlite((dir_ / "no" / "such" / "dir" / "x.db").string());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
}

}  // namespace
}  // namespace sky::storage
