#include "planner/planning_run.h"

#include <algorithm>
#include <cmath>
#include <string>

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

Result<MilpSolution> PlanningRun::RunSolver(const MilpModel& milp, bool allow_export) {
  MilpSolveOptions so;
  const auto used = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                          solve_started_);
  so.time_limit = std::max(std::chrono::milliseconds(1), options_.time_limit - used);
  so.mip_gap = options_.mip_gap;
  if (allow_export && !mps_written_ && !options_.export_mps_path.empty()) {
    so.mps_path = options_.export_mps_path;
    mps_written_ = true;
  }
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, GlpkProblem::Solve(milp, so));
  solver_seconds_ += sol.seconds;
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
    auto t = Clock::now();
    ModelBuilder builder(*graph_, candidates_, links_);
    SKY_ASSIGN_OR_RETURN(PlannerModel model, builder.Build(model_options));
    plan.solver.variables = static_cast<int>(model.milp.columns.size());
    plan.solver.constraints = static_cast<int>(model.milp.rows.size());
    AddPass(plan, "build", t);
    SKY_RETURN_IF_ERROR(SolveAndExtract(model, model_options, plan));
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

Status PlanningRun::SolveAndExtract(PlannerModel& model, const ModelOptions& model_options,
                                    Plan& plan) {
  auto t = Clock::now();
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, RunSolver(model.milp, true));
  if (sol.status == MilpStatus::kInfeasible) {
    AddPass(plan, "solve", t);
    return Status::Ok();
  }
  if (sol.status == MilpStatus::kNoSolutionInTime) {
    plan.infeasible_reasons.push_back(kNoPlanInTime);
    AddPass(plan, "solve", t);
    return Status::Ok();
  }
  plan.status = sol.status == MilpStatus::kOptimal ? PlanStatus::kOptimal : PlanStatus::kFeasible;
  plan.solver.mip_gap = sol.gap;
  SKY_ASSIGN_OR_RETURN(std::vector<int> choice, ChosenCandidates(model, sol.values));
  if (sol.status == MilpStatus::kOptimal) {
    SKY_RETURN_IF_ERROR(Refine(model, model_options, sol.objective, choice));
  }
  AddPass(plan, "solve", t);
  t = Clock::now();
  PlacementExtractor extractor(*graph_, candidates_, links_);
  SKY_RETURN_IF_ERROR(extractor.Extract(choice, plan));
  AddPass(plan, "extract", t);
  return Status::Ok();
}

Status PlanningRun::Refine(PlannerModel& model, const ModelOptions& model_options,
                           double optimum, std::vector<int>& choice) {
  MilpModel& milp = model.milp;
  if (model_options.objective == Objective::kCost) {
    MilpRow& cost = milp.rows[model.cost_row];
    cost.upper = std::min(cost.upper, optimum + Slack(optimum));
    for (MilpColumn& c : milp.columns) c.objective = 0;
    milp.columns[model.makespan].objective = 1;
  } else {
    MilpColumn& makespan = milp.columns[model.makespan];
    makespan.upper = std::min(makespan.upper, optimum + Slack(optimum));
    for (size_t j = 0; j < milp.columns.size(); ++j) milp.columns[j].objective = model.cost[j];
  }
  SKY_ASSIGN_OR_RETURN(MilpSolution second, RunSolver(milp, false));
  if (second.status == MilpStatus::kOptimal || second.status == MilpStatus::kFeasible) {
    SKY_ASSIGN_OR_RETURN(choice, ChosenCandidates(model, second.values));
  }
  return Status::Ok();
}

Result<ProbeResult> PlanningRun::RunProbe(const ModelOptions& model_options) {
  ProbeResult probe;
  ModelBuilder builder(*graph_, candidates_, links_);
  SKY_ASSIGN_OR_RETURN(PlannerModel model, builder.Build(model_options));
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, RunSolver(model.milp, false));
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
