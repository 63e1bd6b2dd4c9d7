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
  static constexpr int kTrialLocations = 3;
  static constexpr double kMaxTieBreakBaseSeconds = 0.05;

  Plan BasePlan(const ModelOptions& model_options) const;
  // Solves with the time left of options.time_limit; the first solve of the run writes the
  // MPS file when asked.
  // `cap_seconds` > 0 bounds this solve further.
  Result<MilpSolution> RunSolver(const MilpModel& milp, bool presolve, double cap_seconds = 0);

  // Second, lexicographic solve: among optimal plans, the fastest (cost objective) or the
  // cheapest (time objective). Keeps `plan` unless the answer is better when read back.
  Status Refine(const PlannerModel& model, const CandidateSet& set,
                const ModelOptions& model_options, double optimum, bool presolve, Plan& plan);
  // For the cost objective: solves over the candidates at the few best locations of each
  // stage, and keeps in `reduced` only candidates whose lower bound does not exceed that
  // plan's cost (bound_pruning.h). Returns whether `reduced` is to be used.
  Result<bool> ReduceByBounds(const ModelOptions& model_options, Plan& plan, CandidateSet& reduced);
  Status BuildSolveExtract(const CandidateSet& set, const ModelOptions& model_options, Plan& plan);
  static bool WithinLimits(const Plan& plan, const ModelOptions& model_options);
  Result<ProbeResult> RunProbe(const ModelOptions& model_options);
  Status SolveAndExtract(PlannerModel& model, const CandidateSet& set,
                         const ModelOptions& model_options, Plan& plan);
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
  double last_solve_seconds_ = 0;
  bool tie_break_ = true;
  bool mps_written_ = false;
};

}  // namespace sky::planner
