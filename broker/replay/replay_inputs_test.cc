// Replay inputs: trace names and files, the offers built from traces and prices, and the cost
// of a traced spot price.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "broker/replay/replay_run.h"
#include "sky/broker/replay.h"
#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

namespace fs = std::filesystem;

class ReplayInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sky_replay_inputs_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "aws-02-15-2023");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
};

Offer CatalogOffer(const std::string& region, const std::string& zone, Market market,
                   double price) {
  Offer o;
  o.provider = "aws";
  o.region = region;
  o.zone = zone;
  o.instance_type = "p3.2xlarge";
  o.accelerator = "V100";
  o.accelerator_count = 1;
  o.vcpus = 8;
  o.memory_gb = 61;
  o.market = market;
  o.price_per_hour = price;
  o.id = MakeOfferId(o);
  return o;
}

planner::PipelineSpec V100Job() {
  auto spec = planner::ParsePipelineSpec(
      R"({"name": "job", "deadline_hours": 60, "stages": [{"name": "train",
          "resources": {"accelerators": {"v100": 1}}, "runtime_hours": 48}]})",
      {});
  EXPECT_OK(spec);
  return *spec;
}

ReplayTrace Trace(const std::string& location, std::vector<double> prices = {}) {
  ReplayTrace t;
  t.location = location;
  t.trace.gap_seconds = 3600;
  t.trace.available = {1, 0, 1, 1};
  t.trace.prices = std::move(prices);
  return t;
}

TEST_F(ReplayInputsTest, LocationsComeFromTheNameOrTheFileAndItsFolder) {
  EXPECT_EQ(TraceLocation("aws:us-east-1:us-east-1a").value(), "aws:us-east-1:us-east-1a");
  EXPECT_EQ(TraceLocation("data/aws-02-15-2023/us-east-1a_v100_1.json").value(),
            "aws:us-east-1:us-east-1a");
  EXPECT_EQ(TraceLocation("x/gcp-04-30-2023/us-central1-a_c3-88.json").value(),
            "gcp:us-central1:us-central1-a");
  auto no_provider = TraceLocation("traces/us-east-1a_v100_1.json");
  EXPECT_TRUE(no_provider.status().IsInvalidArgument());
  EXPECT_NE(no_provider.status().message().find("provider:region:zone=FILE"), std::string::npos);
  EXPECT_TRUE(TraceLocation("aws-x/zone.json").status().IsInvalidArgument());
}

TEST_F(ReplayInputsTest, ADirectoryMeansEveryJsonInItAndNamesMayBeGiven) {
  const std::string trace = R"({"metadata": {"gap_seconds": 600}, "data": [1, 0, 1]})";
  Write("aws-02-15-2023/us-west-2b_v100_1.json", trace);
  Write("aws-02-15-2023/us-west-2a_v100_1.json", trace);
  Write("aws-02-15-2023/notes.txt", "not a trace");
  const std::string named = Write("mine.json", trace);
  auto traces =
      LoadReplayTraces({(dir_ / "aws-02-15-2023").string(), "gcp:us-east1:us-east1-b=" + named});
  ASSERT_OK(traces);
  ASSERT_EQ(traces->size(), 3u);
  EXPECT_EQ((*traces)[0].location, "aws:us-west-2:us-west-2a");
  EXPECT_EQ((*traces)[1].location, "aws:us-west-2:us-west-2b");
  EXPECT_EQ((*traces)[2].location, "gcp:us-east1:us-east1-b");
  EXPECT_EQ((*traces)[2].trace.available, (std::vector<int>{1, 0, 1}));
  EXPECT_TRUE(LoadReplayTraces({(dir_ / "missing.json").string()}).status().IsNotFound());
  const std::string bad = Write("aws-02-15-2023/us-east-1a_bad.json", R"({"data": [1]})");
  EXPECT_TRUE(LoadReplayTraces({bad}).status().IsInvalidArgument());
  auto twice =
      LoadReplayTraces({"aws:us-east-1:us-east-1a=" + named, "aws:us-east-1:us-east-1a=" + named});
  EXPECT_TRUE(twice.status().IsInvalidArgument());
}

TEST_F(ReplayInputsTest, OffersTakeTheCatalogMachineAndPricesInOrderOfPreference) {
  // The catalog has p3.2xlarge on-demand at $3.06 and spot in three AZs of us-east-1.
  ReplayPrices prices;
  prices.catalog = {CatalogOffer("us-east-1", "", Market::kOnDemand, 3.06),
                    CatalogOffer("us-east-1", "use1-az1", Market::kSpot, 3.06),
                    CatalogOffer("us-east-1", "use1-az2", Market::kSpot, 0.918),
                    CatalogOffer("us-east-1", "use1-az4", Market::kSpot, 0.95)};
  auto offers = BuildReplayOffers(V100Job(), {Trace("aws:us-east-1:us-east-1a")}, prices);
  ASSERT_OK(offers);
  ASSERT_EQ(offers->size(), 2u);
  const Offer& od = (*offers)[0].market == Market::kOnDemand ? (*offers)[0] : (*offers)[1];
  const Offer& spot = (*offers)[0].market == Market::kSpot ? (*offers)[0] : (*offers)[1];
  EXPECT_EQ(od.id, "aws:us-east-1/p3.2xlarge/on_demand");
  EXPECT_DOUBLE_EQ(od.price_per_hour, 3.06);
  EXPECT_EQ(spot.id, "aws:us-east-1:us-east-1a/p3.2xlarge/spot");
  EXPECT_DOUBLE_EQ(spot.price_per_hour, 0.95) << "the median of the region's spot zones";
  // A flag wins over the catalog; a trace's prices win over both (their mean, for planning).
  prices.spot_usd_per_hour = 1.5;
  prices.on_demand_usd_per_hour = 4;
  offers = BuildReplayOffers(V100Job(), {Trace("aws:us-east-1:us-east-1a", {1, 2, 2, 3})}, prices);
  ASSERT_OK(offers);
  for (const Offer& o : *offers) {
    EXPECT_DOUBLE_EQ(o.price_per_hour, o.market == Market::kSpot ? 2.0 : 4.0) << o.id;
  }
}

TEST_F(ReplayInputsTest, AMissingPriceIsNamedWithItsPlace) {
  auto offers = BuildReplayOffers(V100Job(), {Trace("aws:us-west-2:us-west-2a")}, {});
  ASSERT_TRUE(offers.status().IsInvalidArgument());
  EXPECT_NE(offers.status().message().find("no on-demand price for v100:1 in aws:us-west-2"),
            std::string::npos)
      << offers.status().message();
  ReplayPrices prices;
  prices.on_demand_usd_per_hour = 3;
  offers = BuildReplayOffers(V100Job(), {Trace("aws:us-west-2:us-west-2a")}, prices);
  ASSERT_TRUE(offers.status().IsInvalidArgument());
  EXPECT_NE(offers.status().message().find("no spot price for v100:1"), std::string::npos);
  EXPECT_NE(offers.status().message().find("--spot-price"), std::string::npos);
  prices.spot_usd_per_hour = 1;
  offers = BuildReplayOffers(V100Job(), {Trace("aws:us-west-2:us-west-2a")}, prices);
  ASSERT_OK(offers);
  EXPECT_EQ(offers->front().instance_type, "aws-v100x1") << "no catalog machine: a named one";
}

TEST_F(ReplayInputsTest, TracedCostFollowsThePriceTickByTick) {
  providers::SpotTrace trace;
  trace.gap_seconds = 3600;
  trace.available = {1, 1, 1};
  trace.prices = {1.0, 2.0, 4.0};
  // Half an hour at $1, a whole hour at $2, then 1.5 h at $4 (the last tick holds past the end).
  EXPECT_DOUBLE_EQ(TracedCost(trace, 1800, 3 * 3600 + 1800), 0.5 + 2.0 + 4.0 * 1.5);
  EXPECT_DOUBLE_EQ(TracedCost(trace, 4000, 4000), 0);
}

}  // namespace
}  // namespace sky::broker
