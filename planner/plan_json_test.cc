#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sky/planner/plan.h"

namespace sky::planner {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

Plan SamplePlan() {
  Plan plan;
  plan.status = PlanStatus::kFeasible;
  plan.objective = Objective::kTime;
  plan.total_cost_usd = 412.6;
  plan.compute_cost_usd = 391.2;
  plan.egress_cost_usd = 21.4;
  plan.makespan_hours = 26.1;
  plan.deadline_hours = 30;
  StagePlacement train;
  train.name = "train";
  train.offer_id = "gcp:us-central1:us-central1-a/a2-highgpu-8g/spot";
  train.provider = "gcp";
  train.region = "us-central1";
  train.zone = "us-central1-a";
  train.instance_type = "a2-highgpu-8g";
  train.accelerator = "A100";
  train.accelerator_count = 8;
  train.market = Market::kSpot;
  train.price_per_hour = 9.12;
  train.start_hours = 3.4;
  train.end_hours = 23.4;
  train.runtime_hours = 20;
  train.cost_usd = 182.4;
  plan.stages.push_back(train);
  plan.transfers.push_back(
      {"tokenize", "train", "gcp:us-central1", "aws:us-east-1", 120, 0.05, 5, 0.053, 6.0});
  plan.solver.seconds = 0.08;
  plan.solver.variables = 1840;
  plan.solver.constraints = 960;
  plan.solver.mip_gap = 0.01;
  plan.solver.candidates = 120;
  plan.solver.candidates_pruned = 80;
  plan.solver.passes = {{"validate", 0.001}, {"solve", 0.07}};
  return plan;
}

TEST(PlanJsonTest, HasTheDesignShape) {
  Json json = Json::parse(PlanToJson(SamplePlan()));
  EXPECT_EQ(json["status"], "feasible");
  EXPECT_EQ(json["objective"], "time");
  EXPECT_EQ(json["total_cost_usd"], 412.6);
  EXPECT_EQ(json["deadline_hours"], 30);
  EXPECT_TRUE(json["budget_usd"].is_null());
  EXPECT_EQ(json["stages"][0]["market"], "spot");
  EXPECT_EQ(json["stages"][0]["accelerator_count"], 8);
  EXPECT_EQ(json["transfers"][0]["from"], "tokenize");
  EXPECT_EQ(json["transfers"][0]["gbps"], 5);
  EXPECT_EQ(json["solver"]["name"], "glpk");
  EXPECT_EQ(json["solver"]["variables"], 1840);
  EXPECT_EQ(json["solver"]["candidates_pruned"], 80);
  EXPECT_EQ(json["solver"]["passes"][1]["name"], "solve");
  EXPECT_FALSE(json.contains("infeasible_reasons"));
}

TEST(PlanJsonTest, RoundTripsEveryField) {
  const Plan plan = SamplePlan();
  Result<Plan> back = PlanFromJson(PlanToJson(plan));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(PlanToJson(*back), PlanToJson(plan));
  EXPECT_EQ(back->stages[0].market, Market::kSpot);
  EXPECT_EQ(back->stages[0].zone, "us-central1-a");
  EXPECT_DOUBLE_EQ(back->transfers[0].hours, 0.053);
  EXPECT_FALSE(back->budget_usd.has_value());
  EXPECT_EQ(back->solver.passes.size(), 2u);
}

TEST(PlanJsonTest, InfeasiblePlanCarriesItsReasons) {
  Plan plan;
  plan.budget_usd = 100;
  plan.infeasible_reasons = {"stage \"train\" has no candidate under constraints.regions"};
  Json json = Json::parse(PlanToJson(plan));
  EXPECT_EQ(json["status"], "infeasible");
  ASSERT_EQ(json["infeasible_reasons"].size(), 1u);
  Result<Plan> back = PlanFromJson(json.dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->status, PlanStatus::kInfeasible);
  EXPECT_EQ(back->infeasible_reasons, plan.infeasible_reasons);
  EXPECT_EQ(*back->budget_usd, 100);
}

TEST(PlanJsonTest, PlansToJsonIsAnArray) {
  Plan cheap = SamplePlan();
  cheap.status = PlanStatus::kOptimal;
  Json json = Json::parse(PlansToJson({SamplePlan(), cheap}));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[1]["status"], "optimal");
  EXPECT_EQ(PlansToJson({}), "[]");
}

TEST(PlanJsonTest, RejectsTextThatIsNotAPlan) {
  EXPECT_TRUE(PlanFromJson("{").status().IsInvalidArgument());
  EXPECT_THAT(PlanFromJson(R"({"status": "great", "objective": "cost"})").status().message(),
              HasSubstr("status"));
  Result<Plan> bad_stage = PlanFromJson(
      R"({"status": "optimal", "objective": "cost", "stages": [{"name": "t", "cost_usd": "1"}]})");
  ASSERT_FALSE(bad_stage.ok());
  EXPECT_THAT(bad_stage.status().message(), HasSubstr("stages[0].cost_usd: expected a number"));
  EXPECT_THAT(PlanFromJson(R"({"status": "optimal", "objective": "cost", "transfers": 3})")
                  .status()
                  .message(),
              HasSubstr("transfers: expected an array"));
  EXPECT_FALSE(PlanFromJson("[]").ok());
}

}  // namespace
}  // namespace sky::planner
