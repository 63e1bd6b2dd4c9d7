#include "sky/planner/planner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "planner/milp_test_util.h"
#include "tests/planner/plan_checker.h"

namespace sky::planner {
namespace {

using test::CpuStage;
using test::GpuStage;
using test::MakeOffer;

// tokenize (CPU) -> train (A100:8 or H100:8) -> eval (L4:1), corpus read from gcp:us-central1.
class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.name = "llm";
    spec_.inputs = {{"corpus", 400, "gcp:us-central1"}};
    StageSpec tokenize = CpuStage("tokenize", 32, 3);
    tokenize.reads = {"corpus"};
    tokenize.output_gb = 120;
    StageSpec train = GpuStage("train", "A100", 8, 0);
    train.resources.accelerators["H100"] = 8;
    train.runtime_hours.reset();
    train.runtime_by_accelerator = {{"A100", 20}, {"H100", 11}};
    train.after = {"tokenize"};
    train.output_gb = 60;
    train.checkpoint_minutes = 30;
    StageSpec eval = GpuStage("eval", "L4", 1, 2);
    eval.after = {"train"};
    spec_.stages = {tokenize, train, eval};
    spec_.network = test::FixedNetwork();
    offers_ = {
        MakeOffer("gcp", "us-central1", "", "n2-standard-32", "", 0, Market::kOnDemand, 1.55),
        MakeOffer("aws", "us-east-1", "", "c6i.8xlarge", "", 0, Market::kOnDemand, 1.36),
        MakeOffer("gcp", "us-central1", "", "a2-highgpu-8g", "A100", 8, Market::kOnDemand, 29.39),
        MakeOffer("gcp", "us-central1", "us-central1-a", "a2-highgpu-8g", "A100", 8, Market::kSpot,
                  9.12),
        MakeOffer("aws", "us-east-1", "", "p5.48xlarge", "H100", 8, Market::kOnDemand, 55.04),
        MakeOffer("lambda", "us-east-1", "", "gpu_8x_h100_sxm5", "H100", 8, Market::kOnDemand,
                  23.92),
        MakeOffer("gcp", "us-central1", "", "g2-standard-4", "L4", 1, Market::kOnDemand, 0.71),
        MakeOffer("aws", "us-east-1", "", "g6.xlarge", "L4", 1, Market::kOnDemand, 0.80),
    };
    for (Offer& o : offers_) o.vcpus = std::max(o.vcpus, 32.0);
  }

  Plan Solve() {
    auto plan = PlanPipeline(spec_, offers_, network_, options_);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    if (!plan.ok()) return {};
    EXPECT_EQ(
        testing::JoinViolations(testing::CheckPlan(*plan, spec_, offers_, network_, options_)), "");
    return *plan;
  }

  static std::string OfferOf(const Plan& plan, const std::string& stage) {
    for (const StagePlacement& s : plan.stages) {
      if (s.name == stage) return s.offer_id;
    }
    return "";
  }

  PipelineSpec spec_;
  std::vector<Offer> offers_;
  NetworkModel network_;
  PlannerOptions options_;
};

TEST_F(PlannerTest, CheapestPlanUsesStrictSpotNearTheData) {
  const Plan plan = Solve();
  EXPECT_EQ(plan.status, PlanStatus::kOptimal);
  EXPECT_EQ(OfferOf(plan, "tokenize"), offers_[0].id);  // no corpus egress
  // spot A100: E = 20 (1 + 0.1 (0.25 + 0.2)) = 20.9 h at 9.12 = 190.608 vs lambda 263.12.
  EXPECT_EQ(OfferOf(plan, "train"), offers_[3].id);
  EXPECT_NEAR(plan.stages[1].cost_usd, 190.608, 1e-6);
  EXPECT_NEAR(plan.total_cost_usd, 3 * 1.55 + 190.608 + 2 * 0.71, 1e-6);
  EXPECT_EQ(plan.transfers.size(), 3u);  // corpus, tokenize->train, train->eval
  std::vector<std::string> passes;
  for (const PassTiming& p : plan.solver.passes) passes.push_back(p.name);
  EXPECT_EQ(passes, (std::vector<std::string>{"validate", "prune", "build", "solve", "extract"}));
  EXPECT_GT(plan.solver.variables, 0);
  EXPECT_GT(plan.solver.constraints, 0);
}

TEST_F(PlannerTest, TightDeadlineMovesTrainingToTheFastestCloudAndPaysEgress) {
  // 3 h tokenize + 11 h H100 + 2 h eval + transfers: only an H100 fits 16.1 h.
  spec_.deadline_hours = 16.1;
  const Plan plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  EXPECT_EQ(OfferOf(plan, "train"), offers_[5].id);  // lambda H100, cross-provider move
  EXPECT_GT(plan.egress_cost_usd, 120 * 0.09 - 1e-9);
  EXPECT_LE(plan.makespan_hours, 16.1);
  EXPECT_GT(plan.makespan_hours, 16);
}

TEST_F(PlannerTest, TimeObjectiveThenCheapestAmongFastest) {
  spec_.objective = Objective::kTime;
  const Plan plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  // Fastest: H100 (11 h). aws beats the cheaper lambda by the 60 GB to eval: aws has an L4
  // in the same region (100 Gbps), lambda's output crosses providers (10 Gbps).
  EXPECT_EQ(OfferOf(plan, "train"), offers_[4].id);
  EXPECT_EQ(OfferOf(plan, "eval"), offers_[7].id);
  spec_.budget_usd = 200;  // cannot afford an H100: the spot A100 is the only fit
  const Plan cheap = Solve();
  ASSERT_EQ(cheap.status, PlanStatus::kOptimal);
  EXPECT_EQ(OfferOf(cheap, "train"), offers_[3].id);
}

TEST_F(PlannerTest, InfeasiblePlansExplainThemselves) {
  spec_.deadline_hours = 5;
  Plan plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  ASSERT_EQ(plan.infeasible_reasons.size(), 1u);
  EXPECT_EQ(plan.infeasible_reasons[0].rfind("fastest possible makespan 16.", 0), 0u)
      << plan.infeasible_reasons[0];
  spec_.deadline_hours.reset();
  spec_.budget_usd = 50;
  plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_EQ(plan.infeasible_reasons[0].rfind("cheapest possible cost $", 0), 0u);
  spec_.budget_usd.reset();
  spec_.constraints.providers = {"aws"};
  spec_.stages[1].resources.accelerators.erase("H100");
  plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_NE(plan.infeasible_reasons[0].find("stage \"train\""), std::string::npos);
  EXPECT_NE(plan.infeasible_reasons[0].find("providers"), std::string::npos);
}

TEST_F(PlannerTest, ReservationServesAtMostCountStages) {
  StageSpec eval2 = spec_.stages[2];
  eval2.name = "eval2";
  spec_.stages.push_back(eval2);
  spec_.reservations = {{"aws", "us-east-1", "g6.xlarge", 1}};
  spec_.stages[1].output_gb = 1;  // cheap enough to move to the free L4
  const Plan plan = Solve();
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  int reserved = 0;
  for (const StagePlacement& s : plan.stages) reserved += s.reserved ? 1 : 0;
  EXPECT_EQ(reserved, 1);
}

TEST_F(PlannerTest, MalformedSpecIsAnError) {
  spec_.stages[0].after = {"eval"};
  auto plan = PlanPipeline(spec_, offers_, network_, options_);
  EXPECT_TRUE(plan.status().IsInvalidArgument());
  spec_.stages[0].after = {"nope"};
  plan = PlanPipeline(spec_, offers_, network_, options_);
  ASSERT_TRUE(plan.status().IsInvalidArgument());
  EXPECT_NE(plan.status().message().find("stages[0].after[0]"), std::string::npos);
}

TEST_F(PlannerTest, ExportsTheModelAsMps) {
  options_.export_mps_path = ::testing::TempDir() + "/planner_test.mps";
  const Plan plan = Solve();
  std::ifstream in(options_.export_mps_path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_GT(lines, plan.solver.variables);
  std::remove(options_.export_mps_path.c_str());
}

TEST_F(PlannerTest, FrontierTradesCostForTime) {
  auto frontier = PlanFrontier(spec_, offers_, network_, options_);
  ASSERT_TRUE(frontier.ok());
  ASSERT_GE(frontier->size(), 2u);
  PipelineSpec no_deadline = spec_;
  for (size_t k = 0; k < frontier->size(); ++k) {
    const Plan& p = (*frontier)[k];
    EXPECT_EQ(
        testing::JoinViolations(testing::CheckPlan(p, no_deadline, offers_, network_, options_)),
        "");
    if (k > 0) {
      EXPECT_GT(p.makespan_hours, (*frontier)[k - 1].makespan_hours);
      EXPECT_LT(p.total_cost_usd, (*frontier)[k - 1].total_cost_usd);
    }
  }
  // The last point is the cheapest plan; the first is the fastest one.
  spec_.objective = Objective::kTime;
  EXPECT_NEAR(frontier->front().makespan_hours, Solve().makespan_hours, 1e-6);
}

TEST_F(PlannerTest, ConcurrentCallsAgree) {
  Plan a, b;
  std::thread t([&] { a = *PlanPipeline(spec_, offers_, network_, options_); });
  b = *PlanPipeline(spec_, offers_, network_, options_);
  t.join();
  EXPECT_DOUBLE_EQ(a.total_cost_usd, b.total_cost_usd);
  EXPECT_EQ(a.stages[1].offer_id, b.stages[1].offer_id);
}

}  // namespace
}  // namespace sky::planner
