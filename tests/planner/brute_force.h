#pragma once
// An exhaustive planner for small instances, written from DESIGN.md independently of the
// MILP code: it enumerates every assignment of candidate offers (and held reservations) to
// stages, schedules each as soon as possible and keeps the best. Exponential: tests only.

#include <optional>
#include <vector>

#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::planner::testing {

struct Outcome {
  double cost = 0;
  double makespan = 0;
};

struct BruteForceResult {
  bool some_stage_without_candidate = false;
  std::optional<Outcome> best;        // under the spec's objective, deadline and budget
  std::vector<Outcome> feasible_all;  // every assignment within the budget (deadline ignored)
};

// Tolerance used when the brute force breaks ties (relative, like the planner's promise).
inline constexpr double kBruteTol = 1e-7;

BruteForceResult BruteForce(const PipelineSpec& spec, const std::vector<Offer>& offers,
                            const PlannerOptions& options);

// The cost-makespan Pareto points of `outcomes`, fastest first.
std::vector<Outcome> ParetoFront(std::vector<Outcome> outcomes);

}  // namespace sky::planner::testing
