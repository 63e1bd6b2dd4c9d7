#include "planner/frontier.h"

#include <gtest/gtest.h>

#include "planner/infeasibility.h"

namespace sky::planner {
namespace {

// A fake planner over three fixed (cost, makespan) options: the cheapest meeting a deadline.
struct Option {
  double cost, makespan;
};

Result<Plan> Cheapest(const std::vector<Option>& options, std::optional<double> deadline) {
  Plan best;
  best.status = PlanStatus::kInfeasible;
  for (const Option& o : options) {
    if (deadline && o.makespan > *deadline) continue;
    const bool better = best.status == PlanStatus::kInfeasible || o.cost < best.total_cost_usd ||
                        (o.cost == best.total_cost_usd && o.makespan > best.makespan_hours);
    if (better) {  // prefers the slower of equal costs, so the tracer must move left
      best.status = PlanStatus::kOptimal;
      best.total_cost_usd = o.cost;
      best.makespan_hours = o.makespan;
    }
  }
  return best;
}

TEST(FrontierTest, OnePointPerBreakpointFastestFirst) {
  const std::vector<Option> options = {{100, 30}, {100, 28}, {150, 20}, {400, 10}, {500, 12}};
  int solves = 0;
  auto result = TraceFrontier([&](std::optional<double> d) {
    ++solves;
    return Cheapest(options, d);
  });
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 3u);
  EXPECT_DOUBLE_EQ((*result)[0].makespan_hours, 10);
  EXPECT_DOUBLE_EQ((*result)[0].total_cost_usd, 400);
  EXPECT_DOUBLE_EQ((*result)[1].makespan_hours, 20);
  EXPECT_DOUBLE_EQ((*result)[2].makespan_hours, 28);
  EXPECT_DOUBLE_EQ((*result)[2].total_cost_usd, 100);
  EXPECT_EQ(solves, 5);  // 30, 28, 20, 10, then infeasible
}

TEST(FrontierTest, EmptyWhenNothingIsFeasibleAndErrorsPassThrough) {
  auto none = TraceFrontier([](std::optional<double>) { return Result<Plan>(Plan{}); });
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto error =
      TraceFrontier([](std::optional<double>) { return Result<Plan>(Status::Internal("boom")); });
  EXPECT_TRUE(error.status().IsInternal());
}

TEST(InfeasibilityTest, FormatsNumbersAndExplainsInOrder) {
  EXPECT_EQ(FormatNumber(26.1), "26.1");
  EXPECT_EQ(FormatNumber(30), "30");
  EXPECT_EQ(FormatNumber(0.0534), "0.053");
  PipelineSpec spec;
  spec.deadline_hours = 20;
  spec.budget_usd = 100;
  CandidateSet set;
  set.stages.resize(1);
  set.stages[0].candidates.resize(1);
  std::vector<ModelOptions> asked;
  auto probe = [&](const ModelOptions& mo) -> Result<ProbeResult> {
    asked.push_back(mo);
    ProbeResult r;
    r.feasible = true;
    r.makespan_hours = mo.objective == Objective::kTime ? 12 : 30;
    r.cost_usd = mo.deadline_hours ? 140 : 60;
    return r;
  };
  auto reasons = ExplainInfeasible(spec, set, probe);
  ASSERT_TRUE(reasons.ok());
  ASSERT_EQ(reasons->size(), 1u);
  EXPECT_EQ((*reasons)[0],
            "the cheapest plan that meets the deadline 20 h costs $140, which exceeds the budget "
            "$100");
  EXPECT_EQ(asked.size(), 3u);
  spec.deadline_hours = 10;
  EXPECT_EQ((*ExplainInfeasible(spec, set, probe))[0],
            "fastest possible makespan 12 h exceeds the deadline 10 h");
  spec.deadline_hours.reset();
  spec.budget_usd = 50;
  EXPECT_EQ((*ExplainInfeasible(spec, set, probe))[0],
            "cheapest possible cost $60 exceeds the budget $50");
  set.stages[0].candidates.clear();
  set.stages[0].empty_reason = "stage \"x\" has no candidate: ...";
  EXPECT_EQ((*ExplainInfeasible(spec, set, probe))[0], set.stages[0].empty_reason);
}

}  // namespace
}  // namespace sky::planner
