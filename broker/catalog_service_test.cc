#include "sky/broker/catalog_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sky::broker {
namespace {

namespace fs = std::filesystem;

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sky_catalog_service_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "lambda");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ / rel) << text;
    return (dir_ / rel).string();
  }

  fs::path dir_;
};

constexpr char kLambda[] =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice\n"
    "gpu_8x_h100_sxm5,H100,8,208,1800,23.92,us-east-1,,\n"
    "gpu_1x_a10,A10,1,30,200,0.75,us-east-1,,\n";

TEST_F(CatalogServiceTest, IngestIsDurableAndReindexes) {
  const std::string db = (dir_ / "sky.db").string();
  const std::string csv = Write("lambda/vms.csv", kLambda);
  {
    auto service = CatalogService::Open(db);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    auto summary = (*service)->Ingest({csv}, {});
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->offers_added, 2);
    catalog::OfferQuery q;
    ASSERT_TRUE(catalog::ParseGpuFilter("h100:8", q).ok());
    auto offers = (*service)->Snapshot()->Query(q);
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0]->provider, "lambda");
    EXPECT_DOUBLE_EQ(offers[0]->price_per_hour, 23.92);
  }
  // Reopened from the file: the offers are still there; an unchanged re-ingest adds nothing.
  auto reopened = CatalogService::Open(db);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Snapshot()->offers().size(), 2u);
  auto again = (*reopened)->Ingest({csv}, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->offers_added, 0);
  EXPECT_EQ(again->offers_unchanged, 2);
  EXPECT_EQ(again->price_points_added, 0);
}

TEST_F(CatalogServiceTest, BadFileChangesNothingAndOldSnapshotStaysValid) {
  auto service = CatalogService::Open(":memory:");
  ASSERT_TRUE(service.ok());
  ASSERT_TRUE((*service)->Ingest({Write("lambda/vms.csv", kLambda)}, {}).ok());
  auto before = (*service)->Snapshot();
  const std::string bad =
      Write("bad.csv",
            "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region\n"
            "x,A100,1,8,64,1.5,us-east-1\n"
            "y,A100,1,8,64,abc,us-east-1\n");
  auto result = (*service)->Ingest({"lambda=" + bad}, {});
  EXPECT_TRUE(result.status().IsInvalidArgument());
  EXPECT_NE(result.status().message().find(":3"), std::string::npos) << result.status().message();
  EXPECT_EQ((*service)->Snapshot()->offers().size(), 2u);
  EXPECT_EQ(before->offers().size(), 2u);
}

TEST_F(CatalogServiceTest, MissingPathIsNotFound) {
  auto service = CatalogService::Open(":memory:");
  ASSERT_TRUE(service.ok());
  EXPECT_TRUE((*service)->Ingest({(dir_ / "nope.csv").string()}, {}).status().IsNotFound());
}

TEST_F(CatalogServiceTest, VocabularyMergesCatalogAndBundledNames) {
  auto service = CatalogService::Open(":memory:");
  ASSERT_TRUE(service.ok());
  ASSERT_TRUE((*service)->Ingest({Write("lambda/vms.csv", kLambda)}, {}).ok());
  auto names = (*service)->AcceleratorVocabulary({"h100", "TPU-v5"});
  EXPECT_EQ(names.size(), 3u);  // A10, H100 from the catalog; TPU-v5 bundled; h100 a duplicate
  EXPECT_NE(std::find(names.begin(), names.end(), "TPU-v5"), names.end());
}

// The real AWS spot price history (DescribeSpotPriceHistory dump, 2022-05) read as the catalog
// reads it, then spot prices as the API hands over the EC2 adapter's: the one of a known offer
// is recorded under the TSV reader's id, the others are skipped.
TEST_F(CatalogServiceTest, ProviderSpotPointsJoinTheHistoryOfTheTsvOffers) {
  auto service = CatalogService::Open(":memory:");
  ASSERT_TRUE(service.ok());
  const std::string tsv =
      SKY_SHARED_DIR "/data/spot_traces/aws_spot_price_history/prices_2022-05.tsv";
  ASSERT_TRUE((*service)->Ingest({"aws=" + tsv}, {}).ok());
  const OfferId id = "aws:us-east-1:use1-az6/p3.2xlarge/spot";
  const Offer* known = (*service)->Snapshot()->Find(id);
  ASSERT_NE(known, nullptr);
  EXPECT_DOUBLE_EQ(known->price_per_hour, 0.918);  // the file's last Linux/UNIX event

  const std::vector<SpotPriceObservation> prices = {
      {"us-east-1", "use1-az6", "p3.2xlarge", 0.95, 1654041600},
      {"us-east-1", "use1-az6", "p3.2xlarge", 0, 1654045200},
      {"us-east-1", "use1-az6", "no-such.type", 1.0, 1654041600},
      {"", "use1-az6", "p3.2xlarge", 1.0, 1654041600}};
  auto summary = (*service)->ApplyProviderOffers("aws", {}, prices, "2022-06-01T02:00:00Z");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rows_read, 4);
  EXPECT_EQ(summary->price_points_added, 1);
  auto history = (*service)->History(id, "2022-06-01T00:00:00Z", "");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().observed_at, "2022-06-01T00:00:00Z");
  EXPECT_DOUBLE_EQ(history->front().price_per_hour, 0.95);
  EXPECT_EQ(history->front().source, "provider:aws");
}

// Real Lambda catalog rows handed back as a provider reports them: unchanged offers change
// nothing; a new availability updates the offer and stamps it with the refresh.
TEST_F(CatalogServiceTest, ProviderOffersUpdateOnlyWhatChanged) {
  auto service = CatalogService::Open(":memory:");
  ASSERT_TRUE(service.ok());
  const std::string csv = SKY_SHARED_DIR "/data/catalog/anycloud_skypilot_format/lambda/vms.csv";
  auto loaded = (*service)->Ingest({csv}, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<Offer> offers = (*service)->Snapshot()->offers();
  ASSERT_GT(offers.size(), 300u);

  auto same = (*service)->ApplyProviderOffers("sim", offers, {});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->offers_added, 0);
  EXPECT_EQ(same->offers_updated, 0);
  EXPECT_EQ(same->offers_unchanged, static_cast<int64_t>(offers.size()));
  EXPECT_EQ(same->price_points_added, 0);

  Offer changed = offers.front();
  changed.available = 1;
  changed.price_per_hour += 0.5;
  changed.observed_at.clear();
  changed.source.clear();
  auto one = (*service)->ApplyProviderOffers("lambda", {changed}, {}, "2030-01-01T00:00:00Z");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->offers_updated, 1);
  EXPECT_EQ(one->price_points_added, 1);
  const Offer* now = (*service)->Snapshot()->Find(changed.id);
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->available, std::optional<int>(1));
  EXPECT_DOUBLE_EQ(now->price_per_hour, changed.price_per_hour);
  EXPECT_EQ(now->observed_at, "2030-01-01T00:00:00Z");
  EXPECT_EQ(now->source, "provider:lambda");
  EXPECT_EQ((*service)->Snapshot()->offers().size(), offers.size());
}

}  // namespace
}  // namespace sky::broker

namespace sky::broker {
namespace {

TEST(CatalogServiceClockTest, OffersWithoutATimeAreStampedByTheInjectedWallClock) {
  ManualClock clock(1767225600);  // 2026-01-01T00:00:00Z
  auto service = CatalogService::Open(":memory:", &clock);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  Offer offer;
  offer.provider = "lambda";
  offer.region = "us-east-1";
  offer.instance_type = "gpu_1x_a10";
  offer.accelerator = "A10";
  offer.accelerator_count = 1;
  offer.price_per_hour = 0.75;
  offer.id = MakeOfferId(offer);
  auto summary = (*service)->ApplyProviderOffers("lambda", {offer}, {});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const Offer* stored = (*service)->Snapshot()->Find(offer.id);
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->observed_at, "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace sky::broker
