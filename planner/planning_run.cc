#include "planner/planning_run.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "planner/bound_pruning.h"
#include "planner/placement_extractor.h"

namespace sky::planner {
namespace {

constexpr char kNoPlanInTime[] = "solver time limit reached without a feasible plan";

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Slack added to an optimum before it becomes a constraint of the second solve: far below
// the 1e-6 the planner promises, above GLPK's feasibility tolerance.
double Slack(double optimum) { return 1e-7 * std::max(1.0, std::abs(optimum)); }

Status ValidateOffers(const std::vector<Offer>& offers) {
  for (size_t i = 0; i < offers.size(); ++i) {
    const Offer& o = offers[i];
    const bool ok = !o.id.empty() && std::isfinite(o.price_per_hour) && o.price_per_hour >= 0 &&
                    o.accelerator_count >= 0 && std::isfinite(o.vcpus) &&
                    std::isfinite(o.memory_gb);
    if (!ok) {
      return Status::InvalidArgument("offers[" + std::to_string(i) + "] \"" + o.id +
                                     "\": needs an id, a finite price >= 0 and counts >= 0");
    }
  }
  return Status::Ok();
}

// The model of the lexicographic second solve: the first objective capped at its optimum,
// the tie-break (makespan after cost, cost after makespan) as the objective.
MilpModel SecondModel(const PlannerModel& model, bool by_cost, double optimum) {
  MilpModel milp = model.milp;
  if (!by_cost) {
    MilpColumn& makespan = milp.columns[model.makespan];
    makespan.upper = std::min(makespan.upper, optimum + Slack(optimum));
    for (size_t j = 0; j < milp.columns.size(); ++j) milp.columns[j].objective = model.cost[j];
    return milp;
  }
  if (model.cost_row < 0) {
    MilpRow row;
    row.name = "cost";
    for (size_t j = 0; j < model.cost.size(); ++j) {
      if (model.cost[j] != 0) row.Add(static_cast<int>(j), model.cost[j]);
    }
    milp.AddRow(std::move(row));
  }
  MilpRow& cost = model.cost_row < 0 ? milp.rows.back() : milp.rows[model.cost_row];
  cost.upper = std::min(cost.upper, optimum + Slack(optimum));
  for (MilpColumn& c : milp.columns) c.objective = 0;
  milp.columns[model.makespan].objective = 1;
  return milp;
}

}  // namespace

PlanningRun::PlanningRun(const PipelineSpec& spec, const std::vector<Offer>& offers,
                         const NetworkModel& network, const PlannerOptions& options)
    : spec_(spec),
      offers_(offers),
      options_(options),
      cost_model_(spec, options),
      links_(network, spec.network) {}

void PlanningRun::AddPass(Plan& plan, const char* name, Clock::time_point since) const {
  plan.solver.passes.push_back({name, Seconds(Clock::now() - since)});
}

Status PlanningRun::Prepare() {
  auto t = Clock::now();
  SKY_ASSIGN_OR_RETURN(PipelineGraph graph, PipelineGraph::Build(spec_));
  graph_ = std::move(graph);
  SKY_RETURN_IF_ERROR(ValidateOffers(offers_));
  if (!(options_.mip_gap >= 0) || !(options_.default_preemption_rate >= 0)) {
    return Status::InvalidArgument("options: mip_gap and preemption rates must be >= 0");
  }
  prepare_passes_.push_back({"validate", Seconds(Clock::now() - t)});
  t = Clock::now();
  candidates_ = GenerateCandidates(spec_, offers_, options_, cost_model_);
  PruneDominated(candidates_);
  prepare_passes_.push_back({"prune", Seconds(Clock::now() - t)});
  return Status::Ok();
}

Plan PlanningRun::BasePlan(const ModelOptions& model_options) const {
  Plan plan;
  plan.status = PlanStatus::kInfeasible;
  plan.objective = model_options.objective;
  plan.deadline_hours = model_options.deadline_hours;
  plan.budget_usd = model_options.budget_usd;
  plan.solver.candidates = candidates_.generated;
  plan.solver.candidates_pruned = candidates_.pruned;
  plan.solver.passes = prepare_passes_;
  return plan;
}

Result<MilpSolution> PlanningRun::RunSolver(const MilpModel& milp, bool presolve,
                                            double cap_seconds) {
  MilpSolveOptions so;
  so.presolve = presolve;
  const auto used =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - solve_started_);
  so.time_limit = std::max(std::chrono::milliseconds(1), options_.time_limit - used);
  if (cap_seconds > 0) {
    so.time_limit =
        std::min(so.time_limit,
                 std::chrono::milliseconds(static_cast<int64_t>(std::ceil(cap_seconds * 1000))));
  }
  so.mip_gap = options_.mip_gap;
  // The model exported is the first full one (not the bound trial's).
  if (tie_break_ && !mps_written_ && !options_.export_mps_path.empty()) {
    so.mps_path = options_.export_mps_path;
    mps_written_ = true;
  }
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, GlpkProblem::Solve(milp, so));
  solver_seconds_ += sol.seconds;
  last_solve_seconds_ = sol.seconds;
  return sol;
}

Result<Plan> PlanningRun::Solve(const ModelOptions& model_options) {
  solve_started_ = Clock::now();
  solver_seconds_ = 0;
  Plan plan = BasePlan(model_options);
  const bool all_have_candidates =
      std::none_of(candidates_.stages.begin(), candidates_.stages.end(),
                   [](const StageCandidates& s) { return s.candidates.empty(); });
  if (all_have_candidates) {
    CandidateSet reduced;
    SKY_ASSIGN_OR_RETURN(bool use_reduced, ReduceByBounds(model_options, plan, reduced));
    SKY_RETURN_IF_ERROR(
        BuildSolveExtract(use_reduced ? reduced : candidates_, model_options, plan));
  }
  if (plan.status == PlanStatus::kInfeasible && plan.infeasible_reasons.empty()) {
    const auto t = Clock::now();
    PipelineSpec limits = spec_;  // explain against the limits this solve used
    limits.deadline_hours = model_options.deadline_hours;
    limits.budget_usd = model_options.budget_usd;
    SKY_ASSIGN_OR_RETURN(plan.infeasible_reasons,
                         ExplainInfeasible(limits, candidates_, [this](const ModelOptions& mo) {
                           return RunProbe(mo);
                         }));
    AddPass(plan, "explain", t);
  }
  plan.solver.seconds = solver_seconds_;
  return plan;
}

Status PlanningRun::BuildSolveExtract(const CandidateSet& set, const ModelOptions& model_options,
                                      Plan& plan) {
  const auto t = Clock::now();
  ModelBuilder builder(*graph_, set, links_);
  SKY_ASSIGN_OR_RETURN(PlannerModel model, builder.Build(model_options));
  plan.solver.variables = static_cast<int>(model.milp.columns.size());
  plan.solver.constraints = static_cast<int>(model.milp.rows.size());
  AddPass(plan, "build", t);
  return SolveAndExtract(model, set, model_options, plan);
}

Result<bool> PlanningRun::ReduceByBounds(const ModelOptions& model_options, Plan& plan,
                                         CandidateSet& reduced) {
  if (model_options.objective != Objective::kCost) return false;
  const auto t = Clock::now();
  CandidateSet timely = candidates_;
  if (model_options.deadline_hours) {
    SKY_ASSIGN_OR_RETURN(timely,
                         DropLate(*graph_, candidates_, links_, *model_options.deadline_hours));
  }
  SKY_ASSIGN_OR_RETURN(CandidateBounds bounds, CostLowerBounds(*graph_, timely, links_));
  const CandidateSet trial_set = Restrict(timely, bounds, kTrialLocations);
  if (CountCandidates(trial_set) == CountCandidates(candidates_)) return false;
  // Any plan over the trial candidates is a plan: its cost bounds the optimum from above.
  Plan trial = BasePlan(model_options);
  tie_break_ = false;  // only the trial's cost matters
  const Status trial_status = BuildSolveExtract(trial_set, model_options, trial);
  tie_break_ = true;
  SKY_RETURN_IF_ERROR(trial_status);
  const bool bounded = trial.status != PlanStatus::kInfeasible;
  if (bounded) reduced = KeepWithin(timely, bounds, trial.total_cost_usd);
  // candidates_pruned counts what the final MILP does not see: dominated or out of bounds.
  if (bounded)
    plan.solver.candidates_pruned += CountCandidates(candidates_) - CountCandidates(reduced);
  AddPass(plan, "bound", t);
  return bounded;
}

Status PlanningRun::SolveAndExtract(PlannerModel& model, const CandidateSet& set,
                                    const ModelOptions& model_options, Plan& plan) {
  const auto t = Clock::now();
  double extract_seconds = 0;
  // GLPK's MIP presolver may accept a choice that, read back exactly, breaks the deadline or
  // the budget by ~1e-5 of its value; such a choice is solved again without the presolver.
  for (const bool presolve : {true, false}) {
    SKY_ASSIGN_OR_RETURN(MilpSolution sol, RunSolver(model.milp, presolve));
    if (sol.status == MilpStatus::kNoSolutionInTime) {
      plan.infeasible_reasons.push_back(kNoPlanInTime);
    }
    if (sol.status == MilpStatus::kInfeasible || sol.status == MilpStatus::kNoSolutionInTime) {
      plan.status = PlanStatus::kInfeasible;
      plan.stages.clear();
      plan.transfers.clear();
      break;
    }
    plan.status = sol.status == MilpStatus::kOptimal ? PlanStatus::kOptimal : PlanStatus::kFeasible;
    plan.solver.mip_gap = sol.gap;
    SKY_ASSIGN_OR_RETURN(std::vector<int> choice, ChosenCandidates(model, sol.values));
    const auto e = Clock::now();
    SKY_RETURN_IF_ERROR(PlacementExtractor(*graph_, set, links_).Extract(choice, plan));
    extract_seconds += Seconds(Clock::now() - e);
    if (sol.status == MilpStatus::kOptimal) {
      SKY_RETURN_IF_ERROR(Refine(model, set, model_options, sol.objective, presolve, plan));
    }
    if (WithinLimits(plan, model_options)) break;
  }
  plan.solver.passes.push_back({"solve", Seconds(Clock::now() - t) - extract_seconds});
  plan.solver.passes.push_back({"extract", extract_seconds});
  return Status::Ok();
}

bool PlanningRun::WithinLimits(const Plan& plan, const ModelOptions& model_options) {
  const auto within = [](double value, const std::optional<double>& limit) {
    return !limit || value <= *limit + 1e-9 * std::max(1.0, std::abs(*limit));
  };
  return within(plan.makespan_hours, model_options.deadline_hours) &&
         within(plan.total_cost_usd, model_options.budget_usd);
}

Status PlanningRun::Refine(const PlannerModel& model, const CandidateSet& set,
                           const ModelOptions& model_options, double optimum, bool presolve,
                           Plan& plan) {
  const bool by_cost = model_options.objective == Objective::kCost;
  // The cost objective's tie-break is best effort: minimising the makespan over the optimal
  // face of a large model can take many times longer than finding the optimum (its
  // relaxation is weak), so only models that solved quickly get it.
  if (by_cost && (!tie_break_ || last_solve_seconds_ > kMaxTieBreakBaseSeconds)) {
    return Status::Ok();
  }
  const MilpModel milp = SecondModel(model, by_cost, optimum);
  SKY_ASSIGN_OR_RETURN(MilpSolution second, RunSolver(milp, presolve));
  if (second.status != MilpStatus::kOptimal && second.status != MilpStatus::kFeasible) {
    return Status::Ok();
  }
  SKY_ASSIGN_OR_RETURN(std::vector<int> choice, ChosenCandidates(model, second.values));
  Plan refined = plan;
  SKY_RETURN_IF_ERROR(PlacementExtractor(*graph_, set, links_).Extract(choice, refined));
  // Keep the first answer unless the second is as good on the objective, read back exactly,
  // and strictly better on the tie-break.
  const double first = by_cost ? plan.total_cost_usd : plan.makespan_hours;
  const double again = by_cost ? refined.total_cost_usd : refined.makespan_hours;
  const bool better = by_cost ? refined.makespan_hours < plan.makespan_hours
                              : refined.total_cost_usd < plan.total_cost_usd;
  if (again <= first + Slack(first) && better && WithinLimits(refined, model_options)) {
    plan = std::move(refined);
  }
  return Status::Ok();
}

Result<ProbeResult> PlanningRun::RunProbe(const ModelOptions& model_options) {
  ProbeResult probe;
  ModelBuilder builder(*graph_, candidates_, links_);
  SKY_ASSIGN_OR_RETURN(PlannerModel model, builder.Build(model_options));
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, RunSolver(model.milp, true));
  probe.time_limit = sol.status == MilpStatus::kNoSolutionInTime;
  if (sol.status != MilpStatus::kOptimal && sol.status != MilpStatus::kFeasible) return probe;
  SKY_ASSIGN_OR_RETURN(std::vector<int> choice, ChosenCandidates(model, sol.values));
  Plan scratch;
  PlacementExtractor extractor(*graph_, candidates_, links_);
  SKY_RETURN_IF_ERROR(extractor.Extract(choice, scratch));
  probe.feasible = true;
  probe.cost_usd = scratch.total_cost_usd;
  probe.makespan_hours = scratch.makespan_hours;
  return probe;
}

}  // namespace sky::planner
