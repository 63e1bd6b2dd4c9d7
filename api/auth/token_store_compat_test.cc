// A database file written by the previous release (commit 08320b4) opens and migrates with the
// stores of this build: the catalog, the pipeline store and the token store, all on
// sky::storage. The fixture, storage/testdata/skybroker_08320b4.db, was written by that
// release's binary: `skybroker ingest gcp=vms.csv` (4 rows of data/catalog/gcp/vms.csv), two
// `skybroker token create`, the quickstart pipeline run to success through `skybroker serve
// --providers sim`, and `skybroker token revoke` of one token; then compacted with the
// sqlite3 shell (journal_mode=DELETE, page_size=1024, VACUUM), which keeps every row.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "api/auth/token_store.h"
#include "sky/broker/pipeline_store.h"
#include "sky/catalog/offer_store.h"
#include "sky/storage/sqlite.h"

namespace sky::api {
namespace {

namespace fs = std::filesystem;

constexpr char kPipeline[] = "p-198d53be6a6e";
constexpr char kOffer[] = "gcp:us-central1:us-central1-f/n1-standard-8+T4x1/spot";

class PreviousReleaseDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sky_compat_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::copy_file(fs::path(SKY_SOURCE_DIR) / "storage/testdata/skybroker_08320b4.db", DbPath());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string DbPath() const { return (dir_ / "skybroker.db").string(); }

  // The highest applied version in a version table, -1 on any error.
  int64_t Version(const std::string& table) {
    auto db = storage::OpenSqlite(DbPath());
    if (!db.ok()) return -1;
    auto select = (*db)->PrepareOnce("SELECT MAX(version) FROM " + table);
    if (!select.ok() || !select->Step().value_or(false)) return -1;
    return select->Int(0);
  }

  fs::path dir_;
};

TEST_F(PreviousReleaseDbTest, TheCatalogOpensWithItsOffersAndHistory) {
  auto store = catalog::OfferStore::Open(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->CountOffers().value_or(-1), 8);
  auto history = (*store)->PriceHistory(kOffer, "", "");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_DOUBLE_EQ(history->front().price_per_hour, 0.30494);
  EXPECT_EQ(Version("schema_migrations"), 1);
}

TEST_F(PreviousReleaseDbTest, ThePipelineStoreOpensWithItsRunAndTakesNewWrites) {
  auto store = broker::PipelineStore::Open(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto pipeline = (*store)->GetPipeline(kPipeline);
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  EXPECT_EQ(pipeline->state, broker::PipelineState::kSucceeded);
  EXPECT_EQ(pipeline->stages.size(), 3u);
  EXPECT_EQ((*store)->Attempts(kPipeline).value().size(), 3u);
  EXPECT_EQ((*store)->Transitions(kPipeline).value().size(), 12u);
  EXPECT_EQ((*store)->Events(kPipeline).value().size(), 12u);
  EXPECT_TRUE((*store)->CreatePipeline("p-new", "acme", "n", "{}", {"a"}, 1).ok());
  EXPECT_EQ(Version("broker_schema_migrations"), 3);  // + the data plane (migration 3)
}

TEST_F(PreviousReleaseDbTest, TheTokenStoreOpensWithItsTokensAndRevocation) {
  auto store = TokenStore::Open(DbPath());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto tokens = (*store)->List();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*store)->Count().value_or(-1), 1);
  int revoked = 0;
  for (const TokenRecord& token : *tokens) revoked += token.revoked_at.has_value() ? 1 : 0;
  EXPECT_EQ(revoked, 1);
  auto created = (*store)->Create("acme", "user", std::string(64, 'a'), 5);
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(Version("auth_schema_migrations"), 1);
}

TEST_F(PreviousReleaseDbTest, AllThreeStoresShareTheFileAndReopen) {
  for (int round = 0; round < 2; ++round) {
    auto offers = catalog::OfferStore::Open(DbPath());
    auto pipelines = broker::PipelineStore::Open(DbPath());
    auto tokens = TokenStore::Open(DbPath());
    ASSERT_TRUE(offers.ok() && pipelines.ok() && tokens.ok()) << "round " << round;
  }
  EXPECT_EQ(Version("schema_migrations"), 1);
  EXPECT_EQ(Version("broker_schema_migrations"), 3);  // + the data plane (migration 3)
  EXPECT_EQ(Version("auth_schema_migrations"), 1);
}

}  // namespace
}  // namespace sky::api
