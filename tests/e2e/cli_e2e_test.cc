// End-to-end tests of the `skybroker` command line: real files and a real SQLite file in a
// temp dir.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using CliE2eTest = E2eTest;

TEST_F(CliE2eTest, OffersTableHasEveryColumnAndOneRowPerOffer) {
  ExecResult r =
      Exec("offers --gpu H100:8 --market on_demand --limit 5 --catalog " + kShared + "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = r.out.find('\n', at)) != std::string::npos; at = nl + 1) {
    lines.push_back(r.out.substr(at, nl - at));
  }
  ASSERT_EQ(lines.size(), 7u) << r.out;  // header, 5 offers, "5 of N matching offers"
  size_t last = 0;
  for (const char* column : {"GPU", "QTY", "PROVIDER", "INSTANCE", "GPU MEM", "vCPUs", "MEM", "$/h",
                             "$/GPU-h", "MARKET", "REGION/ZONE"}) {
    const size_t at = lines[0].find(column, last);
    ASSERT_NE(at, std::string::npos) << column << " in " << lines[0];
    last = at + 1;
  }
  for (size_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(lines[i].rfind("H100", 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find("on_demand"), std::string::npos) << lines[i];
  }
  EXPECT_EQ(lines[6].rfind("5 of ", 0), 0u) << lines[6];
}

TEST_F(CliE2eTest, OffersJsonFollowsTheOfferContract) {
  ExecResult r =
      Exec("offers --gpu a100:8 --sort price --limit 20 --json --catalog " + kShared + "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  auto offers = nlohmann::json::parse(r.out.substr(r.out.find('[')), nullptr, false);
  ASSERT_TRUE(offers.is_array()) << r.out;
  ASSERT_EQ(offers.size(), 20u);
  double last = 0;
  for (const auto& o : offers) {
    for (const char* key : {"id", "provider", "region", "zone", "instance_type", "accelerator",
                            "accelerator_count", "accelerator_memory_gb", "vcpus", "memory_gb",
                            "market", "price_per_hour", "price_per_accelerator_hour",
                            "reserved_term_months", "available", "observed_at", "source"}) {
      EXPECT_TRUE(o.contains(key)) << key;
    }
    EXPECT_EQ(o["accelerator"], "A100");
    EXPECT_EQ(o["accelerator_count"], 8);
    EXPECT_GE(o["price_per_hour"].get<double>(), last);
    last = o["price_per_hour"].get<double>();
  }
}

TEST_F(CliE2eTest, BadFlagsExitTwoWithClearMessages) {
  ExecResult r = Exec("offers --gpus H100 --catalog " + kShared + "/catalog");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown flag --gpus (did you mean --gpu?)"), std::string::npos) << r.out;
  r = Exec("offers --gpu H100:zero --catalog " + kShared + "/catalog");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("positive integer"), std::string::npos) << r.out;
  r = Exec("frobnicate");
  EXPECT_EQ(r.code, 2);
  r = Exec("offers --catalog " + (dir_ / "missing").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, IngestRefusesBadFileWholeUnlessSkipBadRows) {
  const std::string header =
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,"
      "SpotPrice\n";
  const std::string good = Write("good.csv", header + "gpu_1x_a10,A10,1,30,200,0.75,us-east-1,,\n");
  const std::string bad = Write("bad.csv", header + "gpu_1x_a100,A100,1,30,200,1.29,us-east-1,,\n" +
                                               "gpu_8x_h100,H100,8,208,1800,abc,us-east-1,,\n");
  ExecResult r = Exec("ingest lambda=" + good + " " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("offers added:       1"), std::string::npos) << r.out;
  r = Exec("ingest lambda=" + bad + " " + Db());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad.csv:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Price"), std::string::npos) << r.out;
  r = Exec("offers --json " + Db());
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(r.out.find('['))).size(), 1u) << r.out;
  r = Exec("ingest --skip-bad-rows lambda=" + bad + " " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("rows rejected:      1"), std::string::npos) << r.out;
  r = Exec("offers --json " + Db());
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(r.out.find('['))).size(), 2u) << r.out;
}

TEST_F(CliE2eTest, AcceleratorsListsCountsAndPrices) {
  ExecResult r = Exec("accelerators --catalog " + kShared + "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ACCELERATOR"), std::string::npos);
  EXPECT_NE(r.out.find("H100 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1,2,4,8"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, PlanPrintsATableAndJsonAndExitsZero) {
  ExecResult r = Exec("plan " + kExamples + "/quickstart.json " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("status: optimal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("STAGE"), std::string::npos) << r.out;
  r = Exec("plan " + kExamples + "/quickstart.json --json " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  auto plan = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
  ASSERT_TRUE(plan.is_object()) << r.out;
  EXPECT_EQ(plan["status"], "optimal");
  EXPECT_EQ(plan["stages"].size(), 3u);
  EXPECT_LE(plan["makespan_hours"].get<double>(), 8.0);
  EXPECT_LE(plan["total_cost_usd"].get<double>(), 40.0);
  EXPECT_GT(plan["solver"]["variables"].get<int>(), 0);
}

TEST_F(CliE2eTest, InvalidSpecExitsTwoWithJsonPaths) {
  const std::string spec = Write("bad.json", R"({"name": "x", "deadline_hours": -1,
    "stages": [{"name": "a", "after": ["tokenise"], "resources": {"cpus": 4},
                "runtime_hours": 1}]})");
  ExecResult r = Exec("plan " + spec + " " + Db());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("stages[0].after[0]: unknown stage \"tokenise\""), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("deadline_hours"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, InfeasiblePlanExitsThreeAndSaysWhy) {
  std::ifstream in(kExamples + "/quickstart.json");
  auto spec = nlohmann::json::parse(in);
  spec["deadline_hours"] = 0.5;  // train alone needs 1.5 h on the fastest GPU
  ExecResult r = Exec("plan " + Write("tight.json", spec.dump()) + " " + Db());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("status: infeasible"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("deadline"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, FrontierListsPlansFromFastestToCheapest) {
  ExecResult r = Exec("plan " + kExamples + "/quickstart.json --frontier --json " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  auto plans = nlohmann::json::parse(r.out.substr(r.out.find('[')), nullptr, false);
  ASSERT_TRUE(plans.is_array()) << r.out;
  ASSERT_GE(plans.size(), 1u);
  for (size_t i = 1; i < plans.size(); ++i) {
    EXPECT_GT(plans[i]["makespan_hours"].get<double>(),
              plans[i - 1]["makespan_hours"].get<double>());
    EXPECT_LT(plans[i]["total_cost_usd"].get<double>(),
              plans[i - 1]["total_cost_usd"].get<double>());
  }
}

}  // namespace
}  // namespace sky::testing
