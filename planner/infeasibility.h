#pragma once
// Why a pipeline has no plan, in plain words (DESIGN.md, "Plan"): a stage without candidates
// names the constraint that removed them; else the fastest possible makespan against the
// deadline; else the cheapest possible cost against the budget; else the cheapest plan that
// meets the deadline against the budget. Thread safety is that of the probe.

#include <functional>
#include <string>
#include <vector>

#include "planner/candidates.h"
#include "planner/model_builder.h"
#include "sky/planner/spec.h"
#include "sky/types/result.h"

namespace sky::planner {

// The outcome of one auxiliary solve.
struct ProbeResult {
  bool feasible = false;
  bool time_limit = false;  // the solve stopped at its time limit without an answer
  double cost_usd = 0;      // of the plan found
  double makespan_hours = 0;
};

// Solves the pipeline's model under other options (objective, deadline, budget).
using Probe = std::function<Result<ProbeResult>(const ModelOptions&)>;

// Returns the reasons; the Status of a failed probe is passed on.
Result<std::vector<std::string>> ExplainInfeasible(const PipelineSpec& spec,
                                                   const CandidateSet& candidates,
                                                   const Probe& probe);

// "12.5", "0.053", "3": at most three decimals, trailing zeros dropped.
std::string FormatNumber(double value);

}  // namespace sky::planner
