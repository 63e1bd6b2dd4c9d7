#pragma once
// sky/planner/planner.h: places ML pipeline stages on cloud offers by solving a MILP (GLPK).
// Needs only sky_types and GLPK; GLPK and JSON types never appear in public headers.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "sky/planner/network.h"
#include "sky/planner/plan.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::planner {

struct PlannerOptions {
  // Solver wall-clock limit. Default: 10 s.
  std::chrono::milliseconds time_limit{10'000};
  // Relative MIP gap at which the search stops. Default: 0 (proven optimal).
  double mip_gap = 0.0;
  // Spot preemptions per hour when an offer has no recorded history. Default: 0.1.
  double default_preemption_rate = 0.1;
  // Per-offer preemption rates from recorded history. Default: none.
  std::map<OfferId, double> preemption_rates;
  // Offers, "provider:region" or "provider:region:zone" locations that must not be used
  // (blocked after a capacity error, a preemption, or data residency); "<entry>#spot" or
  // "<entry>#on_demand" excludes only that market there. Default: none.
  std::vector<std::string> excluded;
  // When not empty, the MILP is written to this path in free MPS format. Default: none.
  std::string export_mps_path;
};

// Plans `spec` over `offers`. Returns InvalidArgument for a malformed spec or offer set.
// Otherwise returns a plan whose status is optimal, feasible (time limit hit, gap reported)
// or infeasible (with reasons): infeasibility is an answer, not an error.
// Thread-safe: may be called concurrently; GLPK calls are serialised internally.
[[nodiscard]] Result<Plan> PlanPipeline(const PipelineSpec& spec, const std::vector<Offer>& offers,
                                        const NetworkModel& network,
                                        const PlannerOptions& options = {});

// The cost-deadline Pareto frontier: one plan per distinct breakpoint, from the fastest
// feasible makespan to the cheapest plan, each optimal for its deadline. Same errors as
// PlanPipeline; an empty list when no deadline admits a plan.
[[nodiscard]] Result<std::vector<Plan>> PlanFrontier(const PipelineSpec& spec,
                                                     const std::vector<Offer>& offers,
                                                     const NetworkModel& network,
                                                     const PlannerOptions& options = {});

}  // namespace sky::planner
