#pragma once
// PlanningRun: one planning request run as named, timed passes (STYLE.md 12.10):
// validate -> prune -> build -> solve -> extract, plus explain for an infeasible answer.
// Prepare() runs validate and prune once; Solve() may then run many times (the frontier).
// Not thread-safe; the referenced spec, offers, network and options must outlive it.

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "planner/candidates.h"
#include "planner/cost_model.h"
#include "planner/glpk_problem.h"
#include "planner/infeasibility.h"
#include "planner/model_builder.h"
#include "planner/pipeline_graph.h"
#include "sky/planner/planner.h"

namespace sky::planner {

class PlanningRun {
 public:
  PlanningRun(const PipelineSpec& spec, const std::vector<Offer>& offers,
              const NetworkModel& network, const PlannerOptions& options);

  // Validates spec and offers (InvalidArgument listing the problems), then generates and
  // prunes the candidates.
  Status Prepare();

  // The plan under `model_options`; an infeasible plan carries its reasons. Its GLPK solves
  // share options.time_limit. REQUIRES: Prepare() returned OK.
  Result<Plan> Solve(const ModelOptions& model_options);

 private:
  using Clock = std::chrono::steady_clock;

  Plan BasePlan(const ModelOptions& model_options) const;
  Result<MilpSolution> RunSolver(const MilpModel& milp, bool allow_export);
  // Second, lexicographic solve: among optimal plans, the fastest (cost objective) or the
  // cheapest (time objective). Keeps `choice` when it does not finish.
  Status Refine(PlannerModel& model, const ModelOptions& model_options, double optimum,
                std::vector<int>& choice);
  Result<ProbeResult> RunProbe(const ModelOptions& model_options);
  Status SolveAndExtract(PlannerModel& model, const ModelOptions& model_options, Plan& plan);
  void AddPass(Plan& plan, const char* name, Clock::time_point since) const;

  const PipelineSpec& spec_;
  const std::vector<Offer>& offers_;
  const PlannerOptions& options_;
  CostModel cost_model_;
  LinkTable links_;
  std::optional<PipelineGraph> graph_;
  CandidateSet candidates_;
  std::vector<PassTiming> prepare_passes_;
  Clock::time_point solve_started_;
  double solver_seconds_ = 0;
  bool mps_written_ = false;
};

}  // namespace sky::planner
