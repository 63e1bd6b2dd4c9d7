#pragma once
// The pipeline and stage state machines of the executor (DESIGN.md "Execution model"): the
// states, their stable names (as stored in SQLite and shown by the API) and the legal arrows.
// Pure functions over enums: safe to call from any thread.

#include <string_view>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::broker {

enum class PipelineState {
  kSubmitted,  // accepted and stored; no plan yet
  kPlanned,    // a plan is stored; no stage has been launched yet
  kRunning,    // at least one stage has been launched
  kSucceeded,  // every stage succeeded (terminal)
  kFailed,     // a stage failed for good, or no plan exists (terminal)
  kCancelled,  // the tenant cancelled it (terminal)
};

enum class StageState {
  kPending,       // waiting for its inputs or for its turn in the plan
  kProvisioning,  // an instance launch has been recorded and requested from a provider
  kRunning,       // the instance runs the stage's command
  kSucceeded,     // the command exited 0 (terminal)
  kFailed,        // the command failed, or no candidate offer is left (terminal)
  kPreempted,     // the provider reclaimed the spot instance
  kRecovering,    // re-planning the remaining work after a preemption or a failed attempt
};

// The stable lower-case name, e.g. "submitted", "provisioning".
std::string_view Name(PipelineState state);
std::string_view Name(StageState state);

// The state named `name` (exactly as Name() spells it); InvalidArgument for any other text.
Result<PipelineState> ParsePipelineState(std::string_view name);
Result<StageState> ParseStageState(std::string_view name);

// True for succeeded, failed and cancelled (pipelines) and succeeded and failed (stages).
bool IsTerminal(PipelineState state);
bool IsTerminal(StageState state);

// OK when `from -> to` is a legal arrow, else FailedPrecondition naming both states.
// Pipelines: submitted -> planned -> running -> succeeded, and any non-terminal state ->
// failed | cancelled. Stages: pending -> provisioning -> running -> succeeded | failed;
// provisioning | running -> preempted -> recovering -> provisioning; running -> recovering (a
// non-zero exit to retry); any non-terminal -> failed.
Status CheckTransition(PipelineState from, PipelineState to);
Status CheckTransition(StageState from, StageState to);

}  // namespace sky::broker
