#include "sky/planner/plan.h"

namespace sky::planner {

std::string_view PlanStatusName(PlanStatus status) {
  switch (status) {
    case PlanStatus::kOptimal:
      return "optimal";
    case PlanStatus::kFeasible:
      return "feasible";
    case PlanStatus::kInfeasible:
      return "infeasible";
  }
  return "infeasible";
}

}  // namespace sky::planner
