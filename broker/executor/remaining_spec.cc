#include "broker/executor/remaining_spec.h"

#include <algorithm>
#include <map>
#include <set>

#include "sky/planner/network.h"
#include "sky/types/offer.h"

namespace sky::broker {
namespace {

using planner::PipelineSpec;
using planner::StageSpec;

// Below this many hours there is no deadline left worth planning for.
constexpr double kMinHoursLeft = 1.0 / 60;

Result<std::map<std::string, const StageProgress*>> IndexProgress(
    const PipelineSpec& spec, const std::vector<StageProgress>& progress) {
  std::map<std::string, const StageProgress*> by_name;
  for (const StageProgress& p : progress) {
    if (!by_name.emplace(p.name, &p).second) {
      return Status::InvalidArgument("stage '" + p.name + "' appears twice in the progress");
    }
  }
  for (const StageSpec& stage : spec.stages) {
    if (!by_name.count(stage.name)) {
      return Status::InvalidArgument("no progress for stage '" + stage.name + "'");
    }
  }
  if (by_name.size() != spec.stages.size()) {
    return Status::InvalidArgument("progress names a stage the spec does not have");
  }
  return by_name;
}

void ScaleRuntime(StageSpec& stage, double checkpoint) {
  const double left = 1.0 - std::clamp(checkpoint, 0.0, 1.0);
  if (stage.runtime_hours) *stage.runtime_hours *= left;
  for (auto& [name, hours] : stage.runtime_by_accelerator) hours *= left;
}

// Replaces edges from stages that are not re-planned by reads of their outputs; returns the
// longest remaining time of an in-flight predecessor.
double CutEdges(StageSpec& stage, const std::map<std::string, const StageProgress*>& by_name,
                std::set<std::string>& needed_outputs) {
  double wait_hours = 0;
  std::vector<std::string> after;
  for (const std::string& pred : stage.after) {
    const StageProgress& p = *by_name.at(pred);
    if (p.kind == StageProgress::Kind::kReplan) {
      after.push_back(pred);
      continue;
    }
    stage.reads.push_back(pred + ".output");
    needed_outputs.insert(pred);
    if (p.kind == StageProgress::Kind::kInFlight)
      wait_hours = std::max(wait_hours, p.remaining_hours);
  }
  stage.after = std::move(after);
  return wait_hours;
}

void AddOutputInputs(PipelineSpec& out, const PipelineSpec& spec,
                     const std::map<std::string, const StageProgress*>& by_name,
                     const std::set<std::string>& needed_outputs) {
  for (const StageSpec& stage : spec.stages) {
    if (!needed_outputs.count(stage.name)) continue;
    planner::InputSpec input;
    input.name = stage.name + ".output";
    input.size_gb = stage.output_gb;
    input.location = by_name.at(stage.name)->location;
    out.inputs.push_back(std::move(input));
  }
}

// A resumed stage reads its checkpoint from where it is stored: the re-plan then weighs moving
// it against staying near it (DESIGN.md "Migration": the checkpoint's transfer dollars and
// hours).
void AddCheckpointInput(PipelineSpec& out, StageSpec& stage, const StageProgress& p) {
  if (!(p.checkpoint > 0) || p.checkpoint_location.empty() || !stage.checkpoint_gb ||
      !(*stage.checkpoint_gb > 0)) {
    return;
  }
  planner::InputSpec input;
  input.name = stage.name + ".checkpoint";
  input.size_gb = *stage.checkpoint_gb;
  input.location = planner::RegionOf(p.checkpoint_location);
  stage.reads.push_back(input.name);
  out.inputs.push_back(std::move(input));
}

void ShrinkLimits(RemainingWork& work, const PipelineSpec& spec, double elapsed_hours,
                  double wait_hours, double spent_usd) {
  if (spec.deadline_hours) {
    const double left = *spec.deadline_hours - elapsed_hours - wait_hours;
    if (left < kMinHoursLeft) {
      work.spec.deadline_hours.reset();
      work.spec.objective = planner::Objective::kTime;
      work.deadline_dropped = true;
    } else {
      work.spec.deadline_hours = left;
      work.hours_left = left;
    }
  }
  if (spec.budget_usd) {
    const double left = *spec.budget_usd - spent_usd;
    if (left <= 0) {
      work.spec.budget_usd.reset();
      work.budget_dropped = true;
    } else {
      work.spec.budget_usd = left;
    }
  }
}

}  // namespace

Result<RemainingWork> BuildRemainingSpec(const PipelineSpec& spec,
                                         const std::vector<StageProgress>& progress,
                                         double elapsed_hours, double spent_usd) {
  SKY_ASSIGN_OR_RETURN(auto by_name, IndexProgress(spec, progress));
  RemainingWork work;
  work.spec = spec;
  work.spec.stages.clear();
  work.spec.outputs.clear();
  std::set<std::string> needed_outputs;
  double wait_hours = 0;
  for (const StageSpec& original : spec.stages) {
    const StageProgress& p = *by_name.at(original.name);
    if (p.kind != StageProgress::Kind::kReplan) continue;
    StageSpec stage = original;
    ScaleRuntime(stage, p.checkpoint);
    AddCheckpointInput(work.spec, stage, p);
    wait_hours = std::max(wait_hours, CutEdges(stage, by_name, needed_outputs));
    work.spec.stages.push_back(std::move(stage));
    auto out = spec.outputs.find(original.name);
    if (out != spec.outputs.end()) work.spec.outputs.insert(*out);
  }
  if (work.spec.stages.empty()) return Status::InvalidArgument("no stage left to re-plan");
  AddOutputInputs(work.spec, spec, by_name, needed_outputs);
  ShrinkLimits(work, spec, elapsed_hours, wait_hours, spent_usd);
  return work;
}

planner::Plan MergePlan(const planner::Plan& base, const planner::Plan& update,
                        double offset_hours) {
  std::set<std::string> replaced;
  for (const auto& s : update.stages) replaced.insert(s.name);
  planner::Plan merged = base;
  merged.status = update.status;
  merged.solver = update.solver;
  merged.infeasible_reasons = update.infeasible_reasons;
  for (auto& stage : merged.stages) {
    if (!replaced.count(stage.name)) continue;
    for (const auto& s : update.stages) {
      if (s.name != stage.name) continue;
      stage = s;
      stage.start_hours += offset_hours;
      stage.end_hours += offset_hours;
    }
  }
  merged.transfers.clear();
  for (const auto& t : base.transfers) {
    if (!replaced.count(t.to)) merged.transfers.push_back(t);
  }
  for (const auto& t : update.transfers) merged.transfers.push_back(t);
  merged.compute_cost_usd = 0;
  merged.egress_cost_usd = 0;
  merged.makespan_hours = 0;
  for (const auto& s : merged.stages) {
    merged.compute_cost_usd += s.cost_usd;
    merged.makespan_hours = std::max(merged.makespan_hours, s.end_hours);
  }
  for (const auto& t : merged.transfers) merged.egress_cost_usd += t.cost_usd;
  merged.total_cost_usd = merged.compute_cost_usd + merged.egress_cost_usd;
  return merged;
}

std::optional<double> StageRuntimeHours(const StageSpec& stage, const std::string& accelerator) {
  if (stage.runtime_hours) return *stage.runtime_hours;
  const std::string wanted = AsciiLower(accelerator);
  for (const auto& [name, hours] : stage.runtime_by_accelerator) {
    if (AsciiLower(name) == wanted) return hours;
  }
  return std::nullopt;
}

}  // namespace sky::broker
