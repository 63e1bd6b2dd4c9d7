#pragma once
// PlacementExtractor: turns the chosen candidate of every stage into a Plan: placements
// scheduled as soon as possible (predecessors' ends plus transfer times, inputs' arrival),
// every data movement with gb > 0, the costs and the makespan (outputs delivered).
// Not thread-safe (uses a LinkTable); one per planning run.

#include <vector>

#include "planner/candidates.h"
#include "planner/cost_model.h"
#include "planner/model_builder.h"
#include "planner/pipeline_graph.h"
#include "sky/planner/plan.h"
#include "sky/types/result.h"

namespace sky::planner {

// The candidate chosen for each stage by a solution (`values` per column). Returns Internal
// when a stage has no candidate set to 1 (the solver broke the assignment rows).
Result<std::vector<int>> ChosenCandidates(const PlannerModel& model,
                                          const std::vector<double>& values);

class PlacementExtractor {
 public:
  PlacementExtractor(const PipelineGraph& graph, const CandidateSet& candidates, LinkTable& links)
      : graph_(graph), cands_(candidates), links_(links) {}

  // Fills `plan.stages`, `plan.transfers`, the three costs and `plan.makespan_hours` for the
  // choice `choice[stage] = candidate index`. Returns InvalidArgument for an unusable link.
  Status Extract(const std::vector<int>& choice, Plan& plan);

 private:
  Status AddInputs(const std::vector<int>& choice, Plan& plan, std::vector<double>& ready);
  Status AddEdges(const std::vector<int>& choice, Plan& plan, std::vector<double>& ready);
  Status AddDeliveries(const std::vector<int>& choice, Plan& plan);
  StagePlacement Place(int stage, const Candidate& c, double start) const;
  Result<Transfer> Move(std::string from, std::string to, const RegionId& src, const RegionId& dst,
                        double gb);

  const PipelineGraph& graph_;
  const CandidateSet& cands_;
  LinkTable& links_;
};

}  // namespace sky::planner
