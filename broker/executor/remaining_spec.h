#pragma once
// The work left of a running pipeline, as a pipeline spec the planner can solve again (after a
// preemption, a capacity error or a late start), and the merge of the new placements into the
// stored plan. Pure functions over values: safe from any thread.

#include <optional>
#include <string>
#include <vector>

#include "sky/planner/plan.h"
#include "sky/planner/spec.h"
#include "sky/types/result.h"

namespace sky::broker {

// What is known about one stage of the pipeline when the rest is re-planned.
struct StageProgress {
  enum class Kind {
    kDone,      // succeeded: its output sits at `location`
    kInFlight,  // provisioning or running where it is: its output will sit at `location`
    kReplan,    // to be placed again
  };
  std::string name;
  Kind kind = Kind::kReplan;
  std::string location;        // "provider:region" (kDone, kInFlight)
  double checkpoint = 0;       // kReplan: fraction of the work already saved, 0..1
  double remaining_hours = 0;  // kInFlight: estimated hours until it finishes
  // kReplan with a checkpoint: the place that stored it ("provider:region[:zone]"; "" unknown).
  std::string checkpoint_location = {};
};

struct RemainingWork {
  planner::PipelineSpec spec;     // only the kReplan stages
  bool deadline_dropped = false;  // no time was left: planned without a deadline
  bool budget_dropped = false;    // no money was left: planned without a budget
  double hours_left = 0;          // the deadline of `spec` when it has one
};

// Builds the spec of the kReplan stages: runtimes scaled by (1 - checkpoint); a predecessor
// that is done or in flight becomes an input "<stage>.output" of its output_gb at its location;
// a stage resuming from a checkpoint of known place and size (`checkpoint_gb`) reads it as the
// input "<stage>.checkpoint", so that moving it is priced (dollars and hours) like any input;
// the deadline shrinks by `elapsed_hours` and by the longest in-flight predecessor's remaining
// hours, the budget by `spent_usd`. InvalidArgument when `progress` does not name every stage
// of `spec` exactly once or names no kReplan stage.
Result<RemainingWork> BuildRemainingSpec(const planner::PipelineSpec& spec,
                                         const std::vector<StageProgress>& progress,
                                         double elapsed_hours, double spent_usd);

// `base` with the placements (and transfers into them) of the stages `update` places replaced
// by `update`'s, shifted by `offset_hours` (the re-plan's time since the pipeline started);
// totals and makespan recomputed; the solver info and status are `update`'s.
planner::Plan MergePlan(const planner::Plan& base, const planner::Plan& update,
                        double offset_hours);

// The stage's run time in hours on an offer with `accelerator`: runtime_hours, else the
// runtime_by_accelerator entry matching case-insensitively; nullopt when neither applies.
std::optional<double> StageRuntimeHours(const planner::StageSpec& stage,
                                        const std::string& accelerator);

}  // namespace sky::broker
