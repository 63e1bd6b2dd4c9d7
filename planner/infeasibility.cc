#include "planner/infeasibility.h"

#include <cmath>
#include <cstdio>
#include <optional>

namespace sky::planner {
namespace {

constexpr char kTimeLimit[] = "solver time limit reached while looking for the reason";

bool Exceeds(double value, double limit) { return value > limit + 1e-7 * std::max(1.0, limit); }

}  // namespace

std::string FormatNumber(double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

Result<std::vector<std::string>> ExplainInfeasible(const PipelineSpec& spec,
                                                   const CandidateSet& candidates,
                                                   const Probe& probe) {
  std::vector<std::string> reasons;
  for (const StageCandidates& stage : candidates.stages) {
    if (stage.candidates.empty()) reasons.push_back(stage.empty_reason);
  }
  if (!reasons.empty()) return reasons;
  if (spec.deadline_hours) {
    SKY_ASSIGN_OR_RETURN(ProbeResult fastest,
                         probe({Objective::kTime, std::nullopt, std::nullopt}));
    if (fastest.time_limit) return std::vector<std::string>{kTimeLimit};
    if (fastest.feasible && Exceeds(fastest.makespan_hours, *spec.deadline_hours)) {
      return std::vector<std::string>{
          "fastest possible makespan " + FormatNumber(fastest.makespan_hours) +
          " h exceeds the deadline " + FormatNumber(*spec.deadline_hours) + " h"};
    }
  }
  if (spec.budget_usd) {
    SKY_ASSIGN_OR_RETURN(ProbeResult cheapest,
                         probe({Objective::kCost, std::nullopt, std::nullopt}));
    if (cheapest.time_limit) return std::vector<std::string>{kTimeLimit};
    if (cheapest.feasible && Exceeds(cheapest.cost_usd, *spec.budget_usd)) {
      return std::vector<std::string>{"cheapest possible cost $" + FormatNumber(cheapest.cost_usd) +
                                      " exceeds the budget $" + FormatNumber(*spec.budget_usd)};
    }
  }
  if (spec.deadline_hours && spec.budget_usd) {
    SKY_ASSIGN_OR_RETURN(ProbeResult within,
                         probe({Objective::kCost, spec.deadline_hours, std::nullopt}));
    if (within.time_limit) return std::vector<std::string>{kTimeLimit};
    if (within.feasible) {
      return std::vector<std::string>{
          "the cheapest plan that meets the deadline " + FormatNumber(*spec.deadline_hours) +
          " h costs $" + FormatNumber(within.cost_usd) + ", which exceeds the budget $" +
          FormatNumber(*spec.budget_usd)};
    }
  }
  return std::vector<std::string>{"no assignment of offers satisfies the constraints"};
}

}  // namespace sky::planner
