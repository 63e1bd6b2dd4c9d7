#include "sky/planner/network.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sky/types/csv.h"

namespace sky::planner {
namespace {

const std::string kTables = std::string(SKY_SOURCE_DIR) + "/data/network";
const std::string kRaw = std::string(SKY_SHARED_DIR) + "/data/network/skyplane";

// Mean received Gbps over every successful raw measurement whose endpoints start with the
// given prefixes (a region id or a zone id), read straight from the Skyplane files.
double RawMeanGbps(const std::vector<std::string>& files, const std::string& src_zone,
                   const std::string& dst_zone) {
  double sum = 0;
  int n = 0;
  for (const std::string& file : files) {
    std::ifstream in(kRaw + "/" + file);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header = SplitCsvLine(line);
    size_t src = 0, dst = 0, rx = 0, ok = 0;
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "src_region") src = i;
      if (header[i] == "dst_region") dst = i;
      if (header[i].rfind("throughput_rec", 0) == 0) rx = i;
      if (header[i] == "success") ok = i;
    }
    while (std::getline(in, line)) {
      std::vector<std::string> f = SplitCsvLine(line);
      if (f.size() <= ok || f[ok] != "True" || f[src] != src_zone || f[dst] != dst_zone) continue;
      sum += std::stod(f[rx]) / 1e9;
      ++n;
    }
  }
  return n == 0 ? -1 : sum / n;
}

TEST(NetworkModelTest, BuiltInClassDefaults) {
  NetworkModel model;
  LinkCost same = model.Link("aws:us-east-1", "aws:us-east-1");
  EXPECT_DOUBLE_EQ(same.usd_per_gb, 0);
  EXPECT_DOUBLE_EQ(same.gbps, 100);
  LinkCost provider = model.Link("aws:us-east-1", "aws:us-west-2");
  EXPECT_DOUBLE_EQ(provider.usd_per_gb, 0.02);
  EXPECT_DOUBLE_EQ(provider.gbps, 25);
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "gcp:us-central1").usd_per_gb, 0.09);
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "gcp:us-central1").gbps, 10);
  EXPECT_DOUBLE_EQ(model.Link("gcp:us-central1", "aws:us-east-1").usd_per_gb, 0.12);
  EXPECT_DOUBLE_EQ(model.Link("azure:eastus", "aws:us-east-1").usd_per_gb, 0.0875);
  EXPECT_DOUBLE_EQ(model.Link("lambda:us-east-1", "aws:us-east-1").usd_per_gb, 0);
  EXPECT_DOUBLE_EQ(model.Link("runpod:US", "aws:us-east-1").usd_per_gb, 0);
  EXPECT_DOUBLE_EQ(model.Link("nebius:eu-north1", "aws:us-east-1").usd_per_gb, 0.09);
}

TEST(NetworkModelTest, ZoneCountsAsItsRegion) {
  NetworkModel model;
  LinkCost zones = model.Link("gcp:us-central1:us-central1-a", "gcp:us-central1:us-central1-b");
  EXPECT_DOUBLE_EQ(zones.usd_per_gb, 0);
  EXPECT_DOUBLE_EQ(zones.gbps, 100);
  model.SetMeasured("gcp:us-central1", "aws:us-east-1", {0.11, 7.5});
  LinkCost measured = model.Link("gcp:us-central1:us-central1-c", "aws:us-east-1:use1-az4");
  EXPECT_DOUBLE_EQ(measured.usd_per_gb, 0.11);
  EXPECT_DOUBLE_EQ(measured.gbps, 7.5);
  EXPECT_EQ(RegionOf("GCP:us-central1:us-central1-a"), "gcp:us-central1");
}

TEST(NetworkModelTest, PrecedencePairsThenClassThenMeasuredThenBuiltIn) {
  NetworkModel model;
  model.SetMeasured("gcp:us-central1", "aws:us-east-1", {0.11, 7.5});
  model.SetMeasured("aws:us-east-1", "aws:us-west-2", {0.02, 4.0});
  NetworkOverrides overrides;
  overrides.cross_provider = LinkCost{0.05, 3};
  overrides.pairs.push_back({"gcp:us-central1", "aws:us-east-1", {0.01, 2}});
  LinkCost pair = model.Link("gcp:us-central1:us-central1-a", "aws:us-east-1", overrides);
  EXPECT_DOUBLE_EQ(pair.usd_per_gb, 0.01);
  EXPECT_DOUBLE_EQ(pair.gbps, 2);
  LinkCost by_class = model.Link("aws:us-east-1", "gcp:us-central1", overrides);
  EXPECT_DOUBLE_EQ(by_class.usd_per_gb, 0.05);
  EXPECT_DOUBLE_EQ(by_class.gbps, 3);
  // No same_provider override: the measured table wins over the built-in default.
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "aws:us-west-2", overrides).gbps, 4.0);
  overrides.same_provider = LinkCost{0.0, 50};
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "aws:us-west-2", overrides).gbps, 50);
  // Without overrides: measured, then built-in for the unmeasured direction.
  EXPECT_DOUBLE_EQ(model.Link("gcp:us-central1", "aws:us-east-1").gbps, 7.5);
  EXPECT_DOUBLE_EQ(model.Link("aws:us-west-2", "aws:us-east-1").gbps, 25);
}

TEST(NetworkModelTest, SameRegionIgnoresMeasuredValues) {
  NetworkModel model;
  model.SetMeasured("aws:us-east-1", "aws:us-east-1", {0.5, 1});
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "aws:us-east-1").usd_per_gb, 0);
  EXPECT_DOUBLE_EQ(model.Link("aws:us-east-1", "aws:us-east-1").gbps, 100);
}

TEST(NetworkModelTest, PriceAndThroughputFallBackIndependently) {
  NetworkModel model;
  model.SetMeasuredPrice("aws:us-east-1", "gcp:us-central1", 0.07);
  model.SetMeasuredThroughput("gcp:us-east1", "aws:us-east-1", 6.0);
  LinkCost price_only = model.Link("aws:us-east-1", "gcp:us-central1");
  EXPECT_DOUBLE_EQ(price_only.usd_per_gb, 0.07);
  EXPECT_DOUBLE_EQ(price_only.gbps, 10);
  LinkCost gbps_only = model.Link("gcp:us-east1", "aws:us-east-1");
  EXPECT_DOUBLE_EQ(gbps_only.usd_per_gb, 0.12);
  EXPECT_DOUBLE_EQ(gbps_only.gbps, 6.0);
}

TEST(NetworkModelTest, LoadsBundledTablesMatchingRawSkyplaneData) {
  Result<NetworkModel> model = NetworkModel::LoadFromDirectory(kTables);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_GT(model->measured_pairs(), 4000u);
  const std::vector<std::string> both = {"throughput.csv", "gcp_intracloud_throughput.csv"};
  struct Case {
    const char *src_zone, *dst_zone, *src, *dst;
  };
  for (const Case& c :
       {Case{"gcp:us-central1-a", "aws:us-east-1", "gcp:us-central1", "aws:us-east-1"},
        Case{"aws:us-west-2", "aws:eu-west-1", "aws:us-west-2", "aws:eu-west-1"},
        Case{"gcp:us-east1-b", "gcp:europe-west1-b", "gcp:us-east1", "gcp:europe-west1"},
        Case{"azure:eastus", "gcp:us-west1-a", "azure:eastus", "gcp:us-west1"}}) {
    double expected = RawMeanGbps(both, c.src_zone, c.dst_zone);
    ASSERT_GT(expected, 0) << c.src_zone << " -> " << c.dst_zone;
    EXPECT_NEAR(model->Link(c.src, c.dst).gbps, expected, 1e-3) << c.src << " -> " << c.dst;
  }
  // Prices: aws -> aws from aws_transfer_costs.csv, gcp -> aws from cost.csv (zone -> region).
  EXPECT_DOUBLE_EQ(model->Link("aws:us-east-1", "aws:us-west-2").usd_per_gb, 0.02);
  EXPECT_DOUBLE_EQ(model->Link("gcp:us-central1:us-central1-a", "aws:us-east-1").usd_per_gb, 0.12);
  EXPECT_DOUBLE_EQ(model->Link("aws:af-south-1", "aws:ap-east-1").usd_per_gb, 0.147);
  EXPECT_DOUBLE_EQ(model->EgressUsdPerGb("azure"), 0.0875);
  EXPECT_DOUBLE_EQ(model->EgressUsdPerGb("lambda"), 0);
}

class NetworkTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("sky_network_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    Write("throughput.csv", "src,dst,gbps\naws:us-east-1,gcp:us-central1,5.5\n");
    Write("transfer_cost.csv", "src,dst,usd_per_gb\naws:us-east-1,gcp:us-central1,0.09\n");
    Write("internet_egress.csv", "provider,usd_per_gb\naws,0.09\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(NetworkTablesTest, MalformedRowNamesFileAndLine) {
  Write("throughput.csv", "src,dst,gbps\naws:us-east-1,gcp:us-central1,5.5\naws:us-east-1,x,1\n");
  Result<NetworkModel> model = NetworkModel::LoadFromDirectory(dir_.string());
  ASSERT_FALSE(model.ok());
  EXPECT_TRUE(model.status().IsInvalidArgument());
  EXPECT_NE(model.status().message().find("throughput.csv:3:"), std::string::npos)
      << model.status().message();
}

TEST_F(NetworkTablesTest, BadNumberAndHeaderAreInvalid) {
  Write("transfer_cost.csv", "src,dst,usd_per_gb\naws:us-east-1,gcp:us-central1,abc\n");
  Result<NetworkModel> bad_number = NetworkModel::LoadFromDirectory(dir_.string());
  ASSERT_FALSE(bad_number.ok());
  EXPECT_NE(bad_number.status().message().find("transfer_cost.csv:2:"), std::string::npos);
  Write("transfer_cost.csv", "src,dest,cost\n");
  Result<NetworkModel> bad_header = NetworkModel::LoadFromDirectory(dir_.string());
  ASSERT_FALSE(bad_header.ok());
  EXPECT_NE(bad_header.status().message().find("transfer_cost.csv:1:"), std::string::npos);
}

TEST_F(NetworkTablesTest, MissingTableIsNotFound) {
  std::filesystem::remove(dir_ / "internet_egress.csv");
  EXPECT_TRUE(NetworkModel::LoadFromDirectory(dir_.string()).status().IsNotFound());
  EXPECT_TRUE(NetworkModel::LoadFromDirectory("/nonexistent/dir").status().IsNotFound());
}

TEST_F(NetworkTablesTest, LoadsSmallValidTables) {
  Result<NetworkModel> model = NetworkModel::LoadFromDirectory(dir_.string());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->measured_pairs(), 1u);
  EXPECT_DOUBLE_EQ(model->Link("aws:us-east-1", "gcp:us-central1").gbps, 5.5);
}

}  // namespace
}  // namespace sky::planner
