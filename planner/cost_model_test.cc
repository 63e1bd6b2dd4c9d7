#include "planner/cost_model.h"

#include <gtest/gtest.h>

#include "planner/milp_test_util.h"

namespace sky::planner {
namespace {

using test::GpuStage;
using test::MakeOffer;

TEST(CostModelTest, OnDemandCostsPriceTimesRuntime) {
  PipelineSpec spec;
  PlannerOptions options;
  CostModel model(spec, options);
  const Offer o =
      MakeOffer("aws", "us-east-1", "", "p4d.24xlarge", "A100", 8, Market::kOnDemand, 32.77);
  const CandidateCost c = model.Evaluate(GpuStage("train", "A100", 8, 10), o, 10, false);
  EXPECT_DOUBLE_EQ(c.expected_hours, 10);
  EXPECT_DOUBLE_EQ(c.scheduled_hours, 10);
  EXPECT_DOUBLE_EQ(c.expected_cost, 327.7);
}

TEST(CostModelTest, StrictSpotAddsOneCheckpointAndRestart) {
  PipelineSpec spec;  // strict, restart 12 min
  PlannerOptions options;
  options.default_preemption_rate = 0.1;
  CostModel model(spec, options);
  StageSpec stage = GpuStage("train", "A100", 8, 20);
  stage.checkpoint_minutes = 30;
  const Offer o = MakeOffer("gcp", "us-central1", "us-central1-a", "a2-highgpu-8g", "A100", 8,
                            Market::kSpot, 9.12);
  const CandidateCost c = model.Evaluate(stage, o, 20, false);
  // E = 20 (1 + 0.1 (0.25 + 0.2)) = 20.9; W = E + 0.5 + 0.2.
  EXPECT_NEAR(c.expected_hours, 20.9, 1e-12);
  EXPECT_NEAR(c.scheduled_hours, 21.6, 1e-12);
  EXPECT_NEAR(c.expected_cost, 9.12 * 20.9, 1e-9);
}

TEST(CostModelTest, ExpectedPolicyAndNoCheckpointAndRecordedRate) {
  PipelineSpec spec;
  spec.deadline_policy = DeadlinePolicy::kExpected;
  spec.restart_minutes = 6;
  const Offer o = MakeOffer("gcp", "us-central1", "us-central1-a", "g2-standard-4", "L4", 1,
                            Market::kSpot, 0.28);
  PlannerOptions options;
  options.preemption_rates[o.id] = 0.5;
  CostModel model(spec, options);
  const CandidateCost c = model.Evaluate(GpuStage("eval", "L4", 1, 2), o, 2, false);
  // c = T = 2 without checkpoints: E = 2 (1 + 0.5 (1 + 0.1)) = 3.1.
  EXPECT_NEAR(c.expected_hours, 3.1, 1e-12);
  EXPECT_NEAR(c.scheduled_hours, 3.1, 1e-12);
  EXPECT_DOUBLE_EQ(model.PreemptionRate("other"), 0.1);
}

TEST(CostModelTest, ReservationIsFreeAndRuntimeLookupIsCaseInsensitive) {
  PipelineSpec spec;
  PlannerOptions options;
  CostModel model(spec, options);
  StageSpec stage = GpuStage("train", "A100", 8, 1);
  stage.runtime_hours.reset();
  stage.runtime_by_accelerator = {{"a100", 20}, {"H100", 11}};
  EXPECT_EQ(CostModel::RuntimeHours(stage, "A100"), 20);
  EXPECT_EQ(CostModel::RuntimeHours(stage, "h100"), 11);
  EXPECT_FALSE(CostModel::RuntimeHours(stage, "L4").has_value());
  const Offer o =
      MakeOffer("aws", "us-east-1", "", "p4d.24xlarge", "A100", 8, Market::kOnDemand, 32.77);
  const CandidateCost c = model.Evaluate(stage, o, 20, true);
  EXPECT_DOUBLE_EQ(c.expected_cost, 0);
  EXPECT_DOUBLE_EQ(c.scheduled_hours, 20);
}

TEST(LinkTableTest, RejectsZeroThroughput) {
  NetworkModel network;
  NetworkOverrides overrides;
  overrides.pairs.push_back({"aws:us-east-1", "gcp:us-central1", LinkCost{0.05, 0}});
  LinkTable links(network, overrides);
  EXPECT_TRUE(links.Link("aws:us-east-1", "gcp:us-central1").status().IsInvalidArgument());
  auto same = links.Link("aws:us-east-1", "aws:us-east-1");
  ASSERT_TRUE(same.ok());
  EXPECT_GT(same->gbps, 0);
  EXPECT_DOUBLE_EQ(TransferHours(450, 1), 1.0);
}

}  // namespace
}  // namespace sky::planner
