#include "planner/frontier.h"

#include <algorithm>
#include <cmath>

namespace sky::planner {

Result<std::vector<Plan>> TraceFrontier(const SolveAtDeadline& solve,
                                        const FrontierOptions& options) {
  std::vector<Plan> plans;  // makespan descending while tracing
  std::optional<double> deadline;
  for (int i = 0; i < options.max_solves; ++i) {
    SKY_ASSIGN_OR_RETURN(Plan plan, solve(deadline));
    if (plan.status == PlanStatus::kInfeasible) break;
    const bool same_cost =
        !plans.empty() && std::abs(plan.total_cost_usd - plans.back().total_cost_usd) <=
                              1e-7 * std::max(1.0, std::abs(plans.back().total_cost_usd));
    const double makespan = plan.makespan_hours;
    if (same_cost) {
      plans.back() = std::move(plan);  // same cost, faster: the breakpoint moves left
    } else {
      plans.push_back(std::move(plan));
    }
    const double next = makespan - options.epsilon_hours * std::max(1.0, makespan);
    if (next <= 0) break;
    deadline = next;
  }
  std::reverse(plans.begin(), plans.end());
  return plans;
}

}  // namespace sky::planner
