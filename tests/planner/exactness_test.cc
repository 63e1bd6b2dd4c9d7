// The MILP planner against an independent brute-force enumerator on >= 200 seeded random
// instances: same optimal cost (objective cost) or makespan-then-cost (objective time) to
// 1e-6, the same answer on infeasibility and the right reason, and the same cost-deadline
// frontier. Every plan also passes the independent plan checker.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "sky/planner/planner.h"
#include "tests/planner/brute_force.h"
#include "tests/planner/plan_checker.h"
#include "tests/planner/random_instance.h"

namespace sky::planner::testing {
namespace {

constexpr int kInstances = 240;

bool Near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

bool Starts(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Picks a deadline (none, impossible, between fastest and cheapest, loose) and sometimes a
// budget, from the unconstrained outcomes.
void PickLimits(uint32_t seed, const std::vector<Outcome>& all, PipelineSpec& spec) {
  std::mt19937 rng(seed * 7919u);
  auto u = [&](double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng); };
  double fastest = INFINITY, cheapest = INFINITY, cheapest_makespan = 0;
  for (const Outcome& o : all) {
    fastest = std::min(fastest, o.makespan);
    if (o.cost < cheapest) {
      cheapest = o.cost;
      cheapest_makespan = o.makespan;
    }
  }
  if (all.empty()) {  // a stage without candidates: the limits do not matter
    spec.deadline_hours = 10;
    spec.budget_usd = 100;
    return;
  }
  const double d = u(0, 1);
  if (d < 0.15) {
    spec.deadline_hours = fastest * u(0.8, 0.99);
  } else if (d < 0.55) {
    spec.deadline_hours = u(fastest, std::max(fastest, cheapest_makespan));
  } else if (d < 0.75) {
    spec.deadline_hours = cheapest_makespan * u(1.0, 1.2);
  }
  if (u(0, 1) < 0.4) spec.budget_usd = cheapest * u(0.9, 1.5);
}

struct Tally {
  int optimal = 0, infeasible = 0, by_objective[2] = {0, 0}, frontiers = 0, frontier_points = 0;
  int reasons[4] = {0, 0, 0, 0};  // no candidate, deadline, budget, both
};

void ExpectReason(const Plan& plan, const BruteForceResult& bf, const PipelineSpec& spec,
                  const std::vector<Outcome>& all, Tally& tally) {
  ASSERT_FALSE(plan.infeasible_reasons.empty());
  const std::string& reason = plan.infeasible_reasons[0];
  if (bf.some_stage_without_candidate) {
    EXPECT_NE(reason.find("has no candidate"), std::string::npos) << reason;
    ++tally.reasons[0];
    return;
  }
  double fastest = INFINITY, cheapest = INFINITY;
  for (const Outcome& o : all) {
    fastest = std::min(fastest, o.makespan);
    cheapest = std::min(cheapest, o.cost);
  }
  if (spec.deadline_hours && fastest > *spec.deadline_hours) {
    EXPECT_TRUE(Starts(reason, "fastest possible makespan")) << reason;
    ++tally.reasons[1];
  } else if (spec.budget_usd && cheapest > *spec.budget_usd) {
    EXPECT_TRUE(Starts(reason, "cheapest possible cost")) << reason;
    ++tally.reasons[2];
  } else {
    EXPECT_TRUE(Starts(reason, "the cheapest plan that meets the deadline")) << reason;
    ++tally.reasons[3];
  }
}

void CheckFrontier(const Instance& inst, const NetworkModel& network, Tally& tally) {
  PipelineSpec spec = inst.spec;
  spec.deadline_hours.reset();
  auto frontier = PlanFrontier(spec, inst.offers, network, inst.options);
  ASSERT_TRUE(frontier.ok()) << frontier.status().ToString();
  const std::vector<Outcome> expected =
      ParetoFront(BruteForce(spec, inst.offers, inst.options).feasible_all);
  ASSERT_EQ(frontier->size(), expected.size());
  for (size_t k = 0; k < expected.size(); ++k) {
    const Plan& p = (*frontier)[k];
    EXPECT_TRUE(Near(p.total_cost_usd, expected[k].cost)) << k;
    EXPECT_TRUE(Near(p.makespan_hours, expected[k].makespan)) << k;
    if (p.deadline_hours) {
      EXPECT_LE(p.makespan_hours, *p.deadline_hours) << k << " of " << expected.size();
    }
    EXPECT_EQ(JoinViolations(CheckPlan(p, spec, inst.offers, network, inst.options)), "");
  }
  ++tally.frontiers;
  tally.frontier_points += static_cast<int>(expected.size());
}

void CheckInstance(uint32_t seed, const NetworkModel& network, Tally& tally) {
  Instance inst = RandomInstance(seed);
  const std::vector<Outcome> all = BruteForce(inst.spec, inst.offers, inst.options).feasible_all;
  PickLimits(seed, all, inst.spec);
  const BruteForceResult bf = BruteForce(inst.spec, inst.offers, inst.options);
  auto plan = PlanPipeline(inst.spec, inst.offers, network, inst.options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(JoinViolations(CheckPlan(*plan, inst.spec, inst.offers, network, inst.options)), "");
  ++tally.by_objective[inst.spec.objective == Objective::kCost ? 0 : 1];
  if (!bf.best) {
    ++tally.infeasible;
    ASSERT_EQ(plan->status, PlanStatus::kInfeasible);
    ExpectReason(*plan, bf, inst.spec, all, tally);
  } else {
    ++tally.optimal;
    ASSERT_EQ(plan->status, PlanStatus::kOptimal) << plan->infeasible_reasons.size();
    if (inst.spec.objective == Objective::kCost) {
      EXPECT_TRUE(Near(plan->total_cost_usd, bf.best->cost))
          << plan->total_cost_usd << " vs " << bf.best->cost;
    } else {
      EXPECT_TRUE(Near(plan->makespan_hours, bf.best->makespan))
          << plan->makespan_hours << " vs " << bf.best->makespan;
      EXPECT_TRUE(Near(plan->total_cost_usd, bf.best->cost))
          << plan->total_cost_usd << " vs " << bf.best->cost;
    }
  }
  if (seed % 4 == 0) CheckFrontier(inst, network, tally);
}

TEST(ExactnessTest, MilpMatchesBruteForceOnRandomInstances) {
  const NetworkModel network;  // the instances set every class default themselves
  Tally tally;
  for (uint32_t seed = 1; seed <= kInstances; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    CheckInstance(seed, network, tally);
  }
  std::printf(
      "instances %d: optimal %d, infeasible %d, objective cost %d, time %d; "
      "frontiers %d with %d points; reasons: no candidate %d, deadline %d, budget %d, "
      "both %d\n",
      kInstances, tally.optimal, tally.infeasible, tally.by_objective[0], tally.by_objective[1],
      tally.frontiers, tally.frontier_points, tally.reasons[0], tally.reasons[1], tally.reasons[2],
      tally.reasons[3]);
  EXPECT_GE(tally.optimal, kInstances / 2);
  EXPECT_GE(tally.infeasible, 20);
  EXPECT_GE(tally.by_objective[1], 60);
}

}  // namespace
}  // namespace sky::planner::testing
