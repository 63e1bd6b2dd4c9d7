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
  const std::string bad = Write(
      "bad.csv",
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

}  // namespace
}  // namespace sky::broker
