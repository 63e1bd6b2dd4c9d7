#pragma once
// An independent checker of planner output, used by every planner test. It re-derives what a
// plan must satisfy from the spec, the offers and the network alone (DESIGN.md "Pipeline
// spec", "Plan", "Planning model"), without any planner internals. Thread-safe.

#include <string>
#include <vector>

#include "sky/planner/network.h"
#include "sky/planner/plan.h"
#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::planner::testing {

// Every violation found, one sentence each; empty when the plan is valid. An infeasible plan
// must have reasons and no placements. A plan with placements must have:
//  - one placement per stage on an offer (or held reservation) that satisfies the stage's
//    resources and every constraint (providers, regions, markets, stage_regions, excluded);
//  - the stage's duration and expected cost from the spot model;
//  - a transfer for every input read, edge and output delivery with gb > 0, priced and timed
//    by `network` with the spec's overrides, and no other transfer;
//  - start times after predecessors' ends plus transfer time and after inputs arrive;
//  - a makespan that is the last end / delivery and meets the deadline;
//  - costs that add up and respect the budget.
std::vector<std::string> CheckPlan(const Plan& plan, const PipelineSpec& spec,
                                   const std::vector<Offer>& offers, const NetworkModel& network,
                                   const PlannerOptions& options = {});

// The violations joined, one per line (for assertion messages).
std::string JoinViolations(const std::vector<std::string>& violations);

}  // namespace sky::planner::testing
