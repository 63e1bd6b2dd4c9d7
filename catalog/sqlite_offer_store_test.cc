#include "catalog/sqlite_offer_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "catalog/migrations.h"
#include "sky/storage/sqlite.h"

namespace sky::catalog {
namespace {

namespace fs = std::filesystem;

Offer MakeOffer(const std::string& zone, const std::string& type, Market market, Money price) {
  Offer o;
  o.provider = "gcp";
  o.region = "us-central1";
  o.zone = zone;
  o.instance_type = type;
  o.accelerator = "A100";
  o.accelerator_count = 8;
  o.accelerator_memory_gb = 40;
  o.vcpus = 96;
  o.memory_gb = 680;
  o.market = market;
  o.price_per_hour = price;
  o.observed_at = "2026-05-20T00:00:00Z";
  o.source = "vms.csv";
  o.id = MakeOfferId(o);
  return o;
}

IngestBatch MakeBatch(std::vector<Offer> offers) {
  IngestBatch batch;
  batch.source = "test";
  batch.rows_read = static_cast<int64_t>(offers.size());
  batch.offers = std::move(offers);
  return batch;
}

void ExpectSameOffer(const Offer& a, const Offer& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.zone, b.zone);
  EXPECT_EQ(a.instance_type, b.instance_type);
  EXPECT_EQ(a.accelerator, b.accelerator);
  EXPECT_EQ(a.accelerator_count, b.accelerator_count);
  EXPECT_EQ(a.accelerator_memory_gb, b.accelerator_memory_gb);
  EXPECT_EQ(a.vcpus, b.vcpus);
  EXPECT_EQ(a.memory_gb, b.memory_gb);
  EXPECT_EQ(a.market, b.market);
  EXPECT_EQ(a.price_per_hour, b.price_per_hour);
  EXPECT_EQ(a.reserved_term_months, b.reserved_term_months);
  EXPECT_EQ(a.available, b.available);
  EXPECT_EQ(a.observed_at, b.observed_at);
  EXPECT_EQ(a.source, b.source);
}

class SqliteOfferStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sky_store_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = SqliteOfferStore::Open(DbPath());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    a_ = MakeOffer("us-central1-a", "a2-highgpu-8g", Market::kOnDemand, 29.39);
    b_ = MakeOffer("us-central1-a", "a2-highgpu-8g", Market::kSpot, 9.12);
    c_ = MakeOffer("us-central1-b", "a2-highgpu-8g", Market::kReserved, 20.5);
    c_.reserved_term_months = 12;
    c_.available = 3;
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string DbPath() const { return (fs::path(dir_) / "catalog.db").string(); }

  IngestSummary MustApply(const std::vector<IngestBatch>& batches) {
    auto summary = store_->Apply(batches);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? std::move(summary).value() : IngestSummary{};
  }
  std::vector<Offer> MustLoad() {
    auto offers = store_->LoadOffers();
    EXPECT_TRUE(offers.ok()) << offers.status().ToString();
    return offers.ok() ? std::move(offers).value() : std::vector<Offer>{};
  }
  std::vector<PricePoint> MustHistory(const OfferId& id, const std::string& from = "",
                                      const std::string& to = "") {
    auto points = store_->PriceHistory(id, from, to);
    EXPECT_TRUE(points.ok()) << points.status().ToString();
    return points.ok() ? std::move(points).value() : std::vector<PricePoint>{};
  }

  std::string dir_;
  std::unique_ptr<SqliteOfferStore> store_;
  Offer a_, b_, c_;
};

TEST_F(SqliteOfferStoreTest, NewStoreIsEmpty) {
  EXPECT_EQ(store_->CountOffers().value_or(-1), 0);
  EXPECT_TRUE(MustLoad().empty());
}

TEST_F(SqliteOfferStoreTest, ApplyAddsOffersWithEveryFieldAndOnePricePointEach) {
  const IngestSummary s = MustApply({MakeBatch({a_, b_, c_})});
  EXPECT_EQ(s.rows_read, 3);
  EXPECT_EQ(s.offers_added, 3);
  EXPECT_EQ(s.offers_updated, 0);
  EXPECT_EQ(s.offers_unchanged, 0);
  EXPECT_EQ(s.price_points_added, 3);
  EXPECT_EQ(store_->CountOffers().value_or(-1), 3);
  const std::vector<Offer> loaded = MustLoad();  // ordered by id
  ASSERT_EQ(loaded.size(), 3u);
  ExpectSameOffer(loaded[0], a_);
  ExpectSameOffer(loaded[1], b_);
  ExpectSameOffer(loaded[2], c_);
  const std::vector<PricePoint> history = MustHistory(b_.id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].offer_id, b_.id);
  EXPECT_EQ(history[0].price_per_hour, 9.12);
  EXPECT_EQ(history[0].observed_at, b_.observed_at);
  EXPECT_EQ(history[0].source, "vms.csv");
}

TEST_F(SqliteOfferStoreTest, ReapplyingTheSameBatchChangesNothing) {
  MustApply({MakeBatch({a_, b_, c_})});
  const IngestSummary s = MustApply({MakeBatch({a_, b_, c_})});
  EXPECT_EQ(s.offers_added, 0);
  EXPECT_EQ(s.offers_updated, 0);
  EXPECT_EQ(s.offers_unchanged, 3);
  EXPECT_EQ(s.price_points_added, 0);
}

TEST_F(SqliteOfferStoreTest, NewPriceUpdatesOfferAndAppendsHistory) {
  MustApply({MakeBatch({a_, b_})});
  Offer cheaper = b_;
  cheaper.price_per_hour = 8.5;
  cheaper.observed_at = "2026-05-21T00:00:00Z";
  const IngestSummary s = MustApply({MakeBatch({a_, cheaper})});
  EXPECT_EQ(s.offers_updated, 1);
  EXPECT_EQ(s.offers_unchanged, 1);
  EXPECT_EQ(s.price_points_added, 1);
  const std::vector<PricePoint> history = MustHistory(b_.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].price_per_hour, 9.12);
  EXPECT_EQ(history[1].price_per_hour, 8.5);
  EXPECT_EQ(MustLoad()[1].price_per_hour, 8.5);
}

TEST_F(SqliteOfferStoreTest, SamePriceSeenLaterIsUnchangedButRefreshesObservedAt) {
  MustApply({MakeBatch({a_})});
  Offer later = a_;
  later.observed_at = "2026-06-01T00:00:00Z";
  later.source = "refresh";
  const IngestSummary s = MustApply({MakeBatch({later})});
  EXPECT_EQ(s.offers_unchanged, 1);
  EXPECT_EQ(s.offers_updated, 0);
  EXPECT_EQ(s.price_points_added, 0);
  EXPECT_EQ(MustLoad()[0].observed_at, "2026-06-01T00:00:00Z");
  EXPECT_EQ(MustLoad()[0].source, "refresh");
}

TEST_F(SqliteOfferStoreTest, AttributeChangeIsAnUpdateWithoutPricePoint) {
  MustApply({MakeBatch({a_})});
  Offer more_memory = a_;
  more_memory.memory_gb = 1360;
  const IngestSummary s = MustApply({MakeBatch({more_memory})});
  EXPECT_EQ(s.offers_updated, 1);
  EXPECT_EQ(s.price_points_added, 0);
  EXPECT_EQ(MustLoad()[0].memory_gb, 1360);
}

TEST_F(SqliteOfferStoreTest, OlderObservationDoesNotReplaceCurrentOffer) {
  MustApply({MakeBatch({a_})});
  Offer old = a_;
  old.price_per_hour = 31.0;
  old.observed_at = "2026-01-01T00:00:00Z";
  const IngestSummary s = MustApply({MakeBatch({old})});
  EXPECT_EQ(s.offers_unchanged, 1);
  EXPECT_EQ(s.price_points_added, 1);  // still history
  EXPECT_EQ(MustLoad()[0].price_per_hour, 29.39);
  const std::vector<PricePoint> history = MustHistory(a_.id);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].price_per_hour, 31.0);
}

TEST_F(SqliteOfferStoreTest, ExplicitPricePointsAreRecordedOnce) {
  IngestBatch batch = MakeBatch({b_});
  batch.price_points = {{b_.id, 9.5, "2026-05-19T00:00:00Z", "tsv"},
                        {b_.id, 9.3, "2026-05-19T12:00:00Z", "tsv"},
                        {b_.id, 9.12, b_.observed_at, "tsv"}};  // same as the offer's own
  EXPECT_EQ(MustApply({batch}).price_points_added, 3);
  EXPECT_EQ(MustApply({batch}).price_points_added, 0);
  const std::vector<PricePoint> history = MustHistory(b_.id);
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].price_per_hour, 9.5);
  EXPECT_EQ(history[2].price_per_hour, 9.12);
}

TEST_F(SqliteOfferStoreTest, RowsReadAndRejectedAreSummedOverBatches) {
  IngestBatch first = MakeBatch({a_});
  first.rows_read = 10;
  first.rejected.push_back({"x.csv", 4, "Price", "not a number"});
  IngestBatch second = MakeBatch({b_});
  second.rows_read = 5;
  second.rejected.push_back({"y.csv", 2, "Region", "empty"});
  const IngestSummary s = MustApply({first, second});
  EXPECT_EQ(s.rows_read, 15);
  ASSERT_EQ(s.rejected.size(), 2u);
  EXPECT_EQ(s.rejected[1].file, "y.csv");
}

TEST_F(SqliteOfferStoreTest, FailureHalfwayLeavesDatabaseExactlyAsBefore) {
  MustApply({MakeBatch({a_, b_})});
  const std::vector<Offer> before = MustLoad();
  const std::vector<PricePoint> history_before = MustHistory(b_.id);
  Offer cheaper = b_;
  cheaper.price_per_hour = 7.0;
  cheaper.observed_at = "2026-05-22T00:00:00Z";
  IngestBatch good = MakeBatch({cheaper, c_});  // one update, one insert, two points
  IngestBatch bad = MakeBatch({});
  bad.price_points = {{"gcp:nowhere/none/spot", 1.0, "2026-05-22T00:00:00Z", "tsv"}};
  auto result = store_->Apply({good, bad});
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInternal()) << result.status().ToString();
  EXPECT_NE(result.status().message().find("FOREIGN KEY"), std::string::npos);
  EXPECT_EQ(store_->CountOffers().value_or(-1), 2);
  const std::vector<Offer> after = MustLoad();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) ExpectSameOffer(after[i], before[i]);
  EXPECT_EQ(MustHistory(b_.id).size(), history_before.size());
  EXPECT_TRUE(store_->PriceHistory(c_.id, "", "").status().IsNotFound());
  // The store is usable afterwards and the good batch applies on its own.
  EXPECT_EQ(MustApply({good}).offers_added, 1);
}

TEST_F(SqliteOfferStoreTest, PriceHistoryFiltersByTimeRange) {
  IngestBatch batch = MakeBatch({b_});
  batch.price_points = {{b_.id, 9.5, "2026-05-01T00:00:00Z", "tsv"},
                        {b_.id, 9.3, "2026-05-10T00:00:00Z", "tsv"}};
  MustApply({batch});
  EXPECT_EQ(MustHistory(b_.id).size(), 3u);
  EXPECT_EQ(MustHistory(b_.id, "2026-05-05T00:00:00Z", "").size(), 2u);
  const std::vector<PricePoint> mid =
      MustHistory(b_.id, "2026-05-05T00:00:00Z", "2026-05-10T00:00:00Z");
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].price_per_hour, 9.3);
  EXPECT_EQ(MustHistory(b_.id, "", "2026-05-01T00:00:00Z").size(), 1u);
}

TEST_F(SqliteOfferStoreTest, PriceHistoryOfUnknownOfferIsNotFound) {
  EXPECT_TRUE(
      store_->PriceHistory("aws:us-east-1/p4d.24xlarge/spot", "", "").status().IsNotFound());
}

TEST_F(SqliteOfferStoreTest, FileStoreUsesWalAndPersistsAcrossOpens) {
  MustApply({MakeBatch({a_, b_, c_})});
  EXPECT_TRUE(fs::exists(DbPath() + "-wal"));
  store_.reset();
  auto reopened = OfferStore::Open(DbPath());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->CountOffers().value_or(-1), 3);
}

TEST_F(SqliteOfferStoreTest, NewerSchemaIsFailedPrecondition) {
  store_.reset();
  {
    auto db = storage::OpenSqlite(DbPath());
    ASSERT_TRUE(db.ok());
    // A future build's migration, recorded the way Migrate records the catalog's.
    ASSERT_TRUE(
        (*db)->Exec("INSERT INTO schema_migrations VALUES(1000, '2030-01-01T00:00:00Z')").ok());
  }
  auto reopened = OfferStore::Open(DbPath());
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(reopened.status().IsFailedPrecondition()) << reopened.status().ToString();
  EXPECT_LT(LatestSchemaVersion(), 1000);
}

TEST_F(SqliteOfferStoreTest, UnopenablePathIsUnavailable) {
  auto store = OfferStore::Open((fs::path(dir_) / "missing" / "dir" / "x.db").string());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsUnavailable()) << store.status().ToString();
}

TEST_F(SqliteOfferStoreTest, ConcurrentReadersAndWritersAreSerialised) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        Offer o = a_;
        o.zone = "z" + std::to_string(t) + "-" + std::to_string(i);
        o.id = MakeOfferId(o);
        EXPECT_TRUE(store_->Apply({MakeBatch({o})}).ok());
        EXPECT_TRUE(store_->LoadOffers().ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(store_->CountOffers().value_or(-1), 80);
}

TEST(SqliteOfferStoreMemoryTest, InMemoryStoreWorks) {
  auto store = OfferStore::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Offer o = MakeOffer("us-central1-a", "a2-highgpu-8g", Market::kSpot, 9.12);
  auto summary = (*store)->Apply({MakeBatch({o})});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->offers_added, 1);
  EXPECT_EQ((*store)->CountOffers().value_or(-1), 1);
}

}  // namespace
}  // namespace sky::catalog
