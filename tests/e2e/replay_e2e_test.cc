// End-to-end test of `skybroker replay` (issue #7) and of POST /v1/replays on `serve`, on a
// tiny hand-made trace folder and the bundled AWS catalog (p3.2xlarge: $3.06/h on-demand, and
// $0.918/h spot, the median of the spot price history's us-east-1 zones).
//
// The job: 4 h of V100 work, deadline 6 h, restart 15 min, checkpoints and polls every 0.125 h.
// From the traces' start: zone 1a has spot for 2 h, zone 1b never. Greedy rides 1a's spot
// 0 -> 2 (1.75 h saved), then waits for spot until the safety net (R < C + 0.875) fires at
// 3.0 and runs the 2.25 h left on on-demand: 3.0 -> 5.5. Cost 2 h x $0.918 + 2.5 h x $3.06.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

const std::string kAwsCatalog = SKY_SOURCE_DIR "/data/catalog/aws";

constexpr char kSpec[] = R"({"name": "hand", "deadline_hours": 6, "restart_minutes": 15,
  "stages": [{"name": "train", "resources": {"accelerators": {"V100": 1}}, "runtime_hours": 4,
              "checkpoint_minutes": 7.5}]})";
constexpr char kZoneA[] =
    R"({"metadata": {"gap_seconds": 3600}, "data": [1, 1, 0, 0, 0, 0, 0, 0]})";
constexpr char kZoneB[] =
    R"({"metadata": {"gap_seconds": 3600}, "data": [0, 0, 0, 0, 0, 0, 0, 0]})";
constexpr double kGreedyCost = 2 * 0.918 + 2.5 * 3.06;

class ReplayE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    fs::create_directories(dir_ / "aws-test");
    spec_ = Write("spec.json", kSpec);
    Write("aws-test/us-east-1a_v100_1.json", kZoneA);
    Write("aws-test/us-east-1b_v100_1.json", kZoneB);
  }
  std::string Replay(const std::string& extra) {
    return "replay --catalog " + kAwsCatalog + " --pipeline " + spec_ + " --trace " +
           Path("aws-test") + " --poll-seconds 450 " + extra;
  }
  std::string spec_;
};

const nlohmann::json* SummaryOf(const nlohmann::json& report, const std::string& policy) {
  for (const auto& s : report["summary"]) {
    if (s["policy"] == policy) return &s;
  }
  return nullptr;
}

TEST_F(ReplayE2eTest, ReplaysEveryPolicyAndReportsJsonTableAndPlot) {
  const std::string plot = (dir_ / "replay.svg").string();
  ExecResult run = Exec(Replay("--json --plot " + plot));
  ASSERT_EQ(run.code, 0) << run.out;
  auto report = nlohmann::json::parse(run.out.substr(run.out.find('{')), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out;
  ASSERT_EQ(report["summary"].size(), 4u);
  ASSERT_EQ(report["traces"].size(), 2u);
  EXPECT_EQ(report["traces"][0]["location"], "aws:us-east-1:us-east-1a");
  const nlohmann::json* greedy = SummaryOf(report, "greedy_spot");
  ASSERT_NE(greedy, nullptr);
  EXPECT_NEAR((*greedy)["mean_cost_usd"].get<double>(), kGreedyCost, 1e-9);
  EXPECT_EQ((*greedy)["deadlines_met"], 1);
  const nlohmann::json* od = SummaryOf(report, "on_demand");
  EXPECT_NEAR((*od)["mean_cost_usd"].get<double>(), 4.25 * 3.06, 1e-9);
  for (const auto& r : report["runs"]) {
    EXPECT_TRUE(r["deadline_met"].get<bool>()) << r.dump();
    EXPECT_FALSE(r["timeline"].empty()) << r.dump();
  }
  const std::string svg = ReadFile(plot);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 200);
  EXPECT_NE(svg.find("uniform_progress"), std::string::npos);

  run = Exec(Replay("--policy greedy_spot,on_demand"));
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_NE(run.out.find("POLICY"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("greedy_spot"), std::string::npos);
  EXPECT_EQ(run.out.find("uniform_progress"), std::string::npos) << "only the policies asked";
  EXPECT_NE(run.out.find("1 (100.0%)"), std::string::npos) << run.out;
}

TEST_F(ReplayE2eTest, BadInputsExitTwoAndSayWhy) {
  ExecResult run = Exec(Replay("--policy cheapest"));
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.out.find("unknown policy 'cheapest'"), std::string::npos) << run.out;
  run = Exec("replay --pipeline " + spec_);
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.out.find("needs --pipeline and --trace"), std::string::npos) << run.out;
  // A zone in a region the catalog has no price for, and no price flag.
  Write("aws-test/eu-north-1a_v100_1.json", kZoneA);
  run = Exec(Replay(""));
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.out.find("no on-demand price for V100:1 in aws:eu-north-1"), std::string::npos)
      << run.out;
  run = Exec(Replay("--on-demand-price 3"));
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.out.find("no spot price"), std::string::npos) << run.out;
  run = Exec(Replay("--on-demand-price 3 --spot-price 1 --start-offsets 0"));
  EXPECT_EQ(run.code, 2) << run.out;
}

TEST_F(ReplayE2eTest, RestReplayRunsAsAnOperationAndReadsOnlyAllowedTracePaths) {
  ASSERT_TRUE(StartServe({"--catalog", kAwsCatalog, "--trace-dir", dir_.string(), "--auth", "off"}))
      << serve_.Errors();
  nlohmann::json body = {{"pipeline", nlohmann::json::parse(kSpec)},
                         {"traces", {{"aws:us-east-1:us-east-1a", nlohmann::json::parse(kZoneA)}}},
                         {"trace_paths", {"aws-test/us-east-1b_v100_1.json"}},
                         {"policy", {"greedy_spot"}}};
  const Reply accepted = Post("/v1/replays", body.dump());
  ASSERT_TRUE(accepted.body.is_object()) << accepted.text;
  ASSERT_EQ(accepted.body.value("kind", ""), "replay") << accepted.text;
  const std::string id = accepted.body["id"];
  EXPECT_NE(accepted.headers.find("/v1/operations/" + id), std::string::npos) << accepted.headers;
  nlohmann::json report;
  WaitFor(
      [&] {
        report = Get("/v1/replays/" + id).body;
        return report.contains("summary");
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(report.contains("summary")) << report.dump();
  ASSERT_EQ(report["summary"].size(), 1u);
  EXPECT_EQ(report["summary"][0]["policy"], "greedy_spot");
  // poll_seconds is the trace gap here (1 h), so the numbers differ from the CLI's; the deadline
  // is met all the same.
  EXPECT_EQ(report["summary"][0]["deadlines_met"], 1) << report.dump();
  // Paths outside the trace directories are refused before anything runs.
  body["trace_paths"] = {"/etc/passwd"};
  EXPECT_EQ(Post("/v1/replays", body.dump()).code, 403);
}

}  // namespace
}  // namespace sky::testing
