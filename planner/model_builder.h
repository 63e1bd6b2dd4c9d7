#pragma once
// ModelBuilder: the planning MILP of DESIGN.md "Planning model" over pruned candidates.
//   x[i][c]  binary, stage i runs on candidate c;   s[i] >= 0 start of stage i;   M makespan.
//   Per DAG edge i->j with data, one w[l][m] in [0, 1] per pair of candidate LOCATIONS
//   (l of i, m of j), y_il = sum of x[i][c] at l, with the flow rows sum_m w[l][m] = y_il and
//   sum_l w[l][m] = y_jm. They make w exactly the product y_il * y_jm for integral x and imply
//   the usual linearisation w >= y_il + y_jm - 1: w[l][m] = y_il - sum_{m' != m} w[l][m'] >=
//   y_il - sum_{m' != m} y_jm' = y_il + y_jm - 1. Those rows are therefore only added on request
//   (ModelOptions::pair_rows): on the 10-stage benchmark they made GLPK 5x slower. When one
//   side has a single location w is y of the other side and no w is created.
// Transfer times enter linearly (s_j >= s_i + dur_i + sum t_lm w_lm), so no big-M is needed.
// Not thread-safe (caches links); build one per planning run.

#include <optional>
#include <vector>

#include "planner/candidates.h"
#include "planner/cost_model.h"
#include "planner/glpk_problem.h"
#include "planner/pipeline_graph.h"
#include "sky/planner/spec.h"
#include "sky/types/result.h"

namespace sky::planner {

struct ModelOptions {
  Objective objective = Objective::kCost;
  std::optional<double> deadline_hours;  // bound on M
  std::optional<double> budget_usd;      // bound on the total expected cost
  bool pair_rows = false;                // also add the implied rows w >= y + y - 1
};

struct PlannerModel {
  MilpModel milp;
  std::vector<std::vector<int>> x;  // [stage][candidate] -> column
  std::vector<int> start;           // [stage] -> column
  int makespan = -1;                // column of M
  int cost_row = -1;                // row: total expected cost <= budget; -1 without budget
  std::vector<double> cost;         // per column: coefficient in the total expected cost
  int pair_columns = 0;             // w columns created
};

class ModelBuilder {
 public:
  // The graph, candidates and links must outlive the builder. REQUIRES: every stage of
  // `candidates` has at least one candidate.
  ModelBuilder(const PipelineGraph& graph, const CandidateSet& candidates, LinkTable& links);

  // Builds the model. Returns InvalidArgument when the network gives an unusable link.
  Result<PlannerModel> Build(const ModelOptions& options);

 private:
  Status AddStageColumns(PlannerModel& m) const;
  void AddAssignmentConstraints(PlannerModel& m) const;
  void AddReservationConstraints(PlannerModel& m) const;
  Status AddInputReads(PlannerModel& m);
  Status AddEdgeTransfers(PlannerModel& m, bool pair_rows);
  Status AddOutputDeliveries(PlannerModel& m);
  void AddCostRow(PlannerModel& m, const ModelOptions& options) const;
  void SetObjective(PlannerModel& m, Objective objective) const;

  // Row: s_j - s_i - dur_i >= 0 (plus transfer terms added by the caller).
  MilpRow PrecedenceRow(const PlannerModel& m, int from, int to) const;
  // Adds the pair columns and rows of one edge whose both sides have several locations.
  Status AddPairColumns(PlannerModel& m, const GraphEdge& e, MilpRow& precedence, bool pair_rows);
  // The same when one side has a single location: w is y of the other side.
  Status AddSingleSide(PlannerModel& m, const GraphEdge& e, MilpRow& precedence);

  const PipelineGraph& graph_;
  const CandidateSet& cands_;
  LinkTable& links_;
  // Per stage: distinct locations and the candidate indices at each.
  std::vector<std::vector<RegionId>> locations_;
  std::vector<std::vector<std::vector<int>>> at_location_;
};

}  // namespace sky::planner
