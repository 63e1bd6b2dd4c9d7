#pragma once
// The cost-deadline Pareto frontier (DESIGN.md, planner.h PlanFrontier): the cheapest plan
// without a deadline, then re-solved with a deadline just under the previous makespan until
// no plan remains. Thread safety is that of the solve function.

#include <functional>
#include <optional>
#include <vector>

#include "sky/planner/plan.h"
#include "sky/types/result.h"

namespace sky::planner {

// Solves for the cheapest plan whose makespan is at most `deadline_hours` (none: no deadline).
using SolveAtDeadline = std::function<Result<Plan>(std::optional<double> deadline_hours)>;

struct FrontierOptions {
  // Next deadline = previous makespan - epsilon_hours * max(1, makespan). Default: 1e-5.
  double epsilon_hours = 1e-5;
  // Upper bound on solves, a guard against a solver that does not converge. Default: 1000.
  int max_solves = 1000;
};

// One plan per distinct (cost, makespan) breakpoint, makespan ascending. Plans of equal cost
// keep the one with the smaller makespan. Returns the first error of `solve`; an empty list
// when even the unconstrained solve is infeasible.
Result<std::vector<Plan>> TraceFrontier(const SolveAtDeadline& solve,
                                        const FrontierOptions& options = {});

}  // namespace sky::planner
