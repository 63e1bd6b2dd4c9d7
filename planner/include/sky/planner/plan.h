#pragma once
// A plan (DESIGN.md, "Plan"): where and when each stage runs, what data moves, what it costs.
// Value types; safe to share read-only between threads.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sky/planner/spec.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::planner {

enum class PlanStatus {
  kOptimal,     // proven optimal (gap 0)
  kFeasible,    // time limit hit; `solver.mip_gap` says how far from proven
  kInfeasible,  // no plan; `infeasible_reasons` says why in plain words
};

struct StagePlacement {
  std::string name;
  OfferId offer_id;
  std::string provider, region, zone, instance_type, accelerator;
  int accelerator_count = 0;
  Market market = Market::kOnDemand;
  Money price_per_hour = 0;
  double start_hours = 0;
  double end_hours = 0;      // start + scheduled duration (worst case for strict spot)
  double runtime_hours = 0;  // the stage's runtime on this offer, without preemptions
  Money cost_usd = 0;        // expected compute cost
  bool reserved = false;     // runs on capacity the user already holds
};

struct Transfer {
  std::string from;  // stage name, or input name
  std::string to;    // stage name, or "output"
  RegionId src, dst;
  double gb = 0;
  double usd_per_gb = 0;
  double gbps = 0;
  double hours = 0;
  Money cost_usd = 0;
};

struct PassTiming {
  std::string name;  // validate, prune, build, solve, extract
  double seconds = 0;
};

struct SolverInfo {
  std::string name = "glpk";
  double seconds = 0;
  int variables = 0;
  int constraints = 0;
  double mip_gap = 0;
  int candidates = 0;         // (stage, offer) pairs before pruning
  int candidates_pruned = 0;  // removed as dominated
  std::vector<PassTiming> passes;
};

struct Plan {
  PlanStatus status = PlanStatus::kInfeasible;
  Objective objective = Objective::kCost;
  Money total_cost_usd = 0, compute_cost_usd = 0, egress_cost_usd = 0;
  double makespan_hours = 0;
  std::optional<double> deadline_hours;
  std::optional<double> budget_usd;
  std::vector<StagePlacement> stages;
  std::vector<Transfer> transfers;
  SolverInfo solver;
  std::vector<std::string> infeasible_reasons;
};

std::string_view PlanStatusName(PlanStatus status);

// The plan as the JSON of DESIGN.md (text).
std::string PlanToJson(const Plan& plan);
// A list of plans (the cost-deadline frontier) as a JSON array.
std::string PlansToJson(const std::vector<Plan>& plans);

// Parses the JSON of PlanToJson back into a plan (the broker persists plans this way).
// Returns InvalidArgument naming the field when the text is not such a plan. Never throws.
Result<Plan> PlanFromJson(std::string_view json_text);
// Parses "optimal", "feasible" or "infeasible"; nullopt otherwise.
std::optional<PlanStatus> ParsePlanStatus(std::string_view text);

}  // namespace sky::planner
