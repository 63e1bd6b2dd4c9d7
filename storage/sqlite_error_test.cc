#include "storage/sqlite_error.h"

#include <gtest/gtest.h>

namespace sky::storage {
namespace {

TEST(SqliteErrorTest, RetryableCodesAreUnavailable) {
  for (const int rc :
       {SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL,
        SQLITE_READONLY, SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE}) {
    EXPECT_EQ(SqliteError(nullptr, rc, "x").code(), StatusCode::kUnavailable) << rc;
  }
}

TEST(SqliteErrorTest, OtherCodesAreInternal) {
  for (const int rc : {SQLITE_ERROR, SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_UNIQUE, SQLITE_CORRUPT,
                       SQLITE_MISMATCH, SQLITE_RANGE, SQLITE_NOTADB}) {
    EXPECT_EQ(SqliteError(nullptr, rc, "x").code(), StatusCode::kInternal) << rc;
  }
}

TEST(SqliteErrorTest, MessageNamesTheOperationAndSqlitesText) {
  EXPECT_EQ(SqliteError(nullptr, SQLITE_BUSY, "writing").message(), "writing: database is locked");
}

}  // namespace
}  // namespace sky::storage
