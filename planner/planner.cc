#include "sky/planner/planner.h"

#include "planner/frontier.h"
#include "planner/planning_run.h"

namespace sky::planner {

Result<Plan> PlanPipeline(const PipelineSpec& spec, const std::vector<Offer>& offers,
                          const NetworkModel& network, const PlannerOptions& options) {
  PlanningRun run(spec, offers, network, options);
  SKY_RETURN_IF_ERROR(run.Prepare());
  return run.Solve({spec.objective, spec.deadline_hours, spec.budget_usd});
}

Result<std::vector<Plan>> PlanFrontier(const PipelineSpec& spec, const std::vector<Offer>& offers,
                                       const NetworkModel& network, const PlannerOptions& options) {
  PlanningRun run(spec, offers, network, options);
  SKY_RETURN_IF_ERROR(run.Prepare());
  // Every point is the cheapest plan for its deadline; the spec's own deadline is the
  // question the frontier answers, so it is not applied. The budget is.
  return TraceFrontier([&](std::optional<double> deadline) {
    return run.Solve({Objective::kCost, deadline, spec.budget_usd});
  });
}

}  // namespace sky::planner
