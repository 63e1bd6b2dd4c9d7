#include "planner/model_builder.h"

#include <gtest/gtest.h>

#include "planner/milp_test_util.h"

namespace sky::planner {
namespace {

using test::GpuStage;
using test::MakeOffer;

class ModelBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StageSpec prep = GpuStage("prep", "L4", 1, 1);
    prep.output_gb = 100;
    StageSpec train = GpuStage("train", "A100", 8, 10);
    train.after = {"prep"};
    spec_.stages = {prep, train};
    spec_.network = test::FixedNetwork();
    // Three L4 locations (one with two spot zones) and two A100 locations.
    offers_ = {
        MakeOffer("gcp", "us-central1", "us-central1-a", "g2-standard-4", "L4", 1, Market::kSpot,
                  0.28),
        MakeOffer("gcp", "us-central1", "us-central1-b", "g2-standard-4", "L4", 1, Market::kSpot,
                  0.29),
        MakeOffer("aws", "us-east-1", "", "g6.xlarge", "L4", 1, Market::kOnDemand, 0.80),
        MakeOffer("aws", "us-west-2", "", "g6.xlarge", "L4", 1, Market::kOnDemand, 0.81),
        MakeOffer("aws", "us-east-1", "", "p4d.24xlarge", "A100", 8, Market::kOnDemand, 32.77),
        MakeOffer("gcp", "us-central1", "", "a2-highgpu-8g", "A100", 8, Market::kOnDemand, 29.39),
    };
  }

  Result<PlannerModel> Build(const ModelOptions& mo) {
    CostModel cost(spec_, options_);
    cands_ = GenerateCandidates(spec_, offers_, options_, cost);
    graph_.emplace(*PipelineGraph::Build(spec_));
    ModelBuilder builder(*graph_, cands_, links_);
    return builder.Build(mo);
  }

  PipelineSpec spec_;
  std::vector<Offer> offers_;
  PlannerOptions options_;
  NetworkModel network_;
  LinkTable links_{network_, spec_.network};
  CandidateSet cands_;
  std::optional<PipelineGraph> graph_;
};

TEST_F(ModelBuilderTest, PairVariablesGrowWithLocationsNotOffers) {
  auto m = Build({});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // 3 prep locations x 2 train locations: 6 w columns, not 4 x 2 offer pairs.
  EXPECT_EQ(m->pair_columns, 6);
  EXPECT_EQ(m->milp.columns.size(), 6u + 2u + 1u + 6u);
  EXPECT_TRUE(GlpkProblem::Validate(m->milp).ok());
  // The implied w >= y + y - 1 rows only on request: one per pair.
  ModelOptions with_rows;
  with_rows.pair_rows = true;
  auto explicit_rows = Build(with_rows);
  ASSERT_TRUE(explicit_rows.ok());
  EXPECT_EQ(explicit_rows->milp.rows.size(), m->milp.rows.size() + 6u);
  // A single train location: w is y of prep, no pair columns at all.
  offers_.pop_back();
  m = Build({});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->pair_columns, 0);
}

TEST_F(ModelBuilderTest, ObjectiveBudgetAndDeadline) {
  auto m = Build({Objective::kTime, 12.5, 300.0});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->milp.columns[m->makespan].upper, 12.5);
  EXPECT_DOUBLE_EQ(m->milp.columns[m->makespan].objective, 1);
  EXPECT_DOUBLE_EQ(m->milp.rows[m->cost_row].upper, 300);
  // The aws p4d x column carries 10 h of compute; egress sits on the pair columns.
  EXPECT_NEAR(m->cost[m->x[1][0]], 327.7, 1e-9);
  auto c = Build({Objective::kCost, std::nullopt, std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->milp.columns[c->x[1][0]].objective, 327.7, 1e-9);
  EXPECT_EQ(c->cost_row, -1);  // no budget, no cost row
}

}  // namespace
}  // namespace sky::planner
