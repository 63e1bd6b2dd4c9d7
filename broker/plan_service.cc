#include "sky/broker/plan_service.h"

namespace sky::broker {

PlanService::PlanService(const CatalogService& catalog, planner::NetworkModel network,
                         std::vector<std::string> bundled_accelerators)
    : catalog_(catalog),
      network_(std::move(network)),
      bundled_accelerators_(std::move(bundled_accelerators)) {}

Result<planner::PipelineSpec> PlanService::ParseSpec(
    std::string_view json_text, std::vector<planner::SpecIssue>* issues) const {
  return planner::ParsePipelineSpec(json_text,
                                    catalog_.AcceleratorVocabulary(bundled_accelerators_), issues);
}

Result<planner::Plan> PlanService::Plan(const planner::PipelineSpec& spec,
                                        const planner::PlannerOptions& options) const {
  auto snapshot = catalog_.Snapshot();  // keeps the offers alive during the solve
  auto plan = planner::PlanPipeline(spec, snapshot->offers(), network_, options);
  if (plan.ok() && solve_observer_) solve_observer_(plan->solver.seconds);
  return plan;
}

Result<std::vector<planner::Plan>> PlanService::Frontier(
    const planner::PipelineSpec& spec, const planner::PlannerOptions& options) const {
  auto snapshot = catalog_.Snapshot();
  auto plans = planner::PlanFrontier(spec, snapshot->offers(), network_, options);
  if (plans.ok() && solve_observer_) {
    for (const auto& plan : *plans) solve_observer_(plan.solver.seconds);
  }
  return plans;
}

}  // namespace sky::broker
