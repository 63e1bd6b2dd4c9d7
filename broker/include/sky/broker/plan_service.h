#pragma once
// PlanService: plans pipeline specs against the live catalog and the network model.
// Thread-safe: the planner serialises its solver; everything else here is read-only.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sky/broker/catalog_service.h"
#include "sky/planner/planner.h"

namespace sky::broker {

class PlanService {
 public:
  // `catalog` must outlive the service. `bundled_accelerators` are the names a spec may use
  // besides those in the catalog (data/accelerators.csv).
  PlanService(const CatalogService& catalog, planner::NetworkModel network,
              std::vector<std::string> bundled_accelerators);

  // Parses and validates a spec against the accelerator vocabulary. InvalidArgument with every
  // problem; when `issues` is not null it receives them with their JSON paths.
  Result<planner::PipelineSpec> ParseSpec(std::string_view json_text,
                                          std::vector<planner::SpecIssue>* issues) const;

  // Plans `spec` over every current offer. Errors as planner::PlanPipeline.
  Result<planner::Plan> Plan(const planner::PipelineSpec& spec,
                             const planner::PlannerOptions& options) const;

  // The cost-deadline frontier of `spec`. Errors as planner::PlanFrontier.
  Result<std::vector<planner::Plan>> Frontier(const planner::PipelineSpec& spec,
                                              const planner::PlannerOptions& options) const;

  // Called with Plan.solver.seconds after every solve that returned a plan (each plan of a
  // frontier), whoever asked: the plan endpoint or the executor (metrics). Must be thread-safe.
  // REQUIRES: set before the service is used from more than one thread.
  void SetSolveObserver(std::function<void(double seconds)> observer) {
    solve_observer_ = std::move(observer);
  }

  const planner::NetworkModel& network() const { return network_; }
  const CatalogService& catalog() const { return catalog_; }

 private:
  const CatalogService& catalog_;
  planner::NetworkModel network_;
  std::vector<std::string> bundled_accelerators_;
  std::function<void(double)> solve_observer_;  // may be empty
};

}  // namespace sky::broker
