#include "api/auth/token_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <vector>

#include "sky/broker/pipeline_store.h"
#include "sky/storage/sqlite.h"

namespace sky::api {
namespace {

namespace fs = std::filesystem;

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sky_token_store_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = TokenStore::Open(Path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::string Path() const { return (dir_ / "sky.db").string(); }

  fs::path dir_;
  std::unique_ptr<TokenStore> store_;
};

TEST_F(TokenStoreTest, CreateThenFindByHash) {
  auto created = store_->Create("acme", "user", kHashA, 100);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id.rfind("tok_", 0), 0u) << created->id;
  EXPECT_EQ(created->id.size(), 12u);
  auto found = store_->FindByHash(kHashA);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->tenant, "acme");
  EXPECT_EQ((*found)->role, "user");
  EXPECT_EQ((*found)->created_at, 100);
  EXPECT_FALSE((*found)->revoked_at.has_value());
  auto missing = store_->FindByHash(kHashB);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(TokenStoreTest, IdsAreUniqueAndHashesAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    const std::string hash = std::string(63, 'c') + "0123456789abcdef"[i % 16];
    auto created = store_->Create("t", "viewer", hash, 1);
    if (i < 16) {
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      ids.insert(created->id);
    } else {
      EXPECT_EQ(created.status().code(), StatusCode::kAlreadyExists) << i;
    }
  }
  EXPECT_EQ(ids.size(), 16u);
}

TEST_F(TokenStoreTest, RejectsBadTenantRoleAndHash) {
  for (const std::string& tenant :
       std::vector<std::string>{"", "Acme", "-a", "a b", "a.b", std::string(64, 'a')}) {
    auto r = store_->Create(tenant, "user", kHashA, 1);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << tenant;
    EXPECT_NE(r.status().message().find("[a-z0-9][a-z0-9_-]{0,62}"), std::string::npos);
  }
  for (const std::string& tenant :
       std::vector<std::string>{"a", "0", "a_b-c", std::string(63, 'z')}) {
    EXPECT_TRUE(ValidateTenantName(tenant).ok()) << tenant;
  }
  auto role = store_->Create("acme", "root", kHashA, 1);
  EXPECT_EQ(role.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(role.status().message().find("admin, user or viewer"), std::string::npos);
  // Anything but a SHA-256 hex digest (a plaintext token, say) is refused.
  for (const std::string& hash :
       std::vector<std::string>{"sky_" + std::string(64, 'a'), std::string(64, 'A'), "abc"}) {
    EXPECT_EQ(store_->Create("acme", "user", hash, 1).status().code(), StatusCode::kInvalidArgument)
        << hash;
  }
  auto count = store_->Count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST_F(TokenStoreTest, RevokeHidesTheTokenAndTwiceIsFailedPrecondition) {
  auto created = store_->Create("acme", "admin", kHashA, 1);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store_->Create("acme", "viewer", kHashB, 2).ok());
  EXPECT_EQ(*store_->Count(), 2);
  ASSERT_TRUE(store_->Revoke(created->id, 5).ok());
  EXPECT_FALSE(store_->FindByHash(kHashA)->has_value());
  EXPECT_EQ(*store_->Count(), 1);
  EXPECT_EQ(store_->Revoke(created->id, 6).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Revoke("tok_00000000", 6).code(), StatusCode::kNotFound);
  auto all = store_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, created->id);  // oldest first
  ASSERT_TRUE((*all)[0].revoked_at.has_value());
  EXPECT_EQ(*(*all)[0].revoked_at, 5);
  EXPECT_FALSE((*all)[1].revoked_at.has_value());
}

TEST_F(TokenStoreTest, TouchRecordsLastUse) {
  auto created = store_->Create("acme", "user", kHashA, 1);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(store_->Touch(created->id, 42).ok());
  EXPECT_EQ(*(*store_->FindByHash(kHashA))->last_used_at, 42);
  EXPECT_EQ(store_->Touch("tok_ffffffff", 1).code(), StatusCode::kNotFound);
}

TEST_F(TokenStoreTest, SharesTheFileWithThePipelineStoreAndSurvivesReopen) {
  auto pipelines = broker::PipelineStore::Open(Path());
  ASSERT_TRUE(pipelines.ok()) << pipelines.status().ToString();
  ASSERT_TRUE(store_->Create("acme", "user", kHashA, 1).ok());
  store_.reset();
  auto reopened = TokenStore::Open(Path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->Count(), 1);
  EXPECT_TRUE((*reopened)->FindByHash(kHashA)->has_value());
}

TEST_F(TokenStoreTest, NewerSchemaIsFailedPrecondition) {
  store_.reset();
  {
    auto writer = TokenStore::Open(Path());
    ASSERT_TRUE(writer.ok());
  }
  {
    // A newer broker has migrated the file further.
    auto db = storage::OpenSqlite(Path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO auth_schema_migrations(version) VALUES (99)").ok());
  }
  auto newer = TokenStore::Open(Path());
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition) << newer.status().ToString();
}

TEST(TokenStoreMemoryTest, InMemoryDatabaseWorks) {
  auto store = TokenStore::Open(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Create("default", "admin", kHashA, 1).ok());
  EXPECT_EQ(*(*store)->Count(), 1);
}

}  // namespace
}  // namespace sky::api
