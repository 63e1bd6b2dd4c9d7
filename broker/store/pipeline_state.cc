#include "sky/broker/pipeline_state.h"

#include <array>
#include <string>
#include <utility>

namespace sky::broker {
namespace {

constexpr std::array<std::pair<PipelineState, std::string_view>, 6> kPipelineNames = {{
    {PipelineState::kSubmitted, "submitted"},
    {PipelineState::kPlanned, "planned"},
    {PipelineState::kRunning, "running"},
    {PipelineState::kSucceeded, "succeeded"},
    {PipelineState::kFailed, "failed"},
    {PipelineState::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<StageState, std::string_view>, 7> kStageNames = {{
    {StageState::kPending, "pending"},
    {StageState::kProvisioning, "provisioning"},
    {StageState::kRunning, "running"},
    {StageState::kSucceeded, "succeeded"},
    {StageState::kFailed, "failed"},
    {StageState::kPreempted, "preempted"},
    {StageState::kRecovering, "recovering"},
}};

template <typename State, size_t N>
std::string_view NameIn(const std::array<std::pair<State, std::string_view>, N>& names,
                        State state) {
  for (const auto& [s, name] : names) {
    if (s == state) return name;
  }
  return "unknown";
}

template <typename State, size_t N>
Result<State> ParseIn(const std::array<std::pair<State, std::string_view>, N>& names,
                      std::string_view text, std::string_view kind) {
  for (const auto& [s, name] : names) {
    if (name == text) return s;
  }
  return Status::InvalidArgument("unknown " + std::string(kind) + " state '" + std::string(text) +
                                 "'");
}

template <typename State>
Status Illegal(std::string_view kind, State from, State to) {
  return Status::FailedPrecondition("illegal " + std::string(kind) + " transition " +
                                    std::string(Name(from)) + " -> " + std::string(Name(to)));
}

// The forward arrows of a stage; failure from any live state is handled by the caller.
bool IsStageArrow(StageState from, StageState to) {
  switch (from) {
    case StageState::kPending:
      return to == StageState::kProvisioning;
    case StageState::kProvisioning:
      // -> recovering: a market policy waits with no instance after a refused launch.
      return to == StageState::kRunning || to == StageState::kPreempted ||
             to == StageState::kRecovering;
    case StageState::kRunning:
      return to == StageState::kSucceeded || to == StageState::kPreempted ||
             to == StageState::kRecovering;
    case StageState::kPreempted:
      return to == StageState::kRecovering;
    case StageState::kRecovering:
      return to == StageState::kProvisioning;
    case StageState::kSucceeded:
    case StageState::kFailed:
      return false;
  }
  return false;
}

}  // namespace

std::string_view Name(PipelineState state) { return NameIn(kPipelineNames, state); }
std::string_view Name(StageState state) { return NameIn(kStageNames, state); }

Result<PipelineState> ParsePipelineState(std::string_view name) {
  return ParseIn(kPipelineNames, name, "pipeline");
}

Result<StageState> ParseStageState(std::string_view name) {
  return ParseIn(kStageNames, name, "stage");
}

bool IsTerminal(PipelineState state) {
  return state == PipelineState::kSucceeded || state == PipelineState::kFailed ||
         state == PipelineState::kCancelled;
}

bool IsTerminal(StageState state) {
  return state == StageState::kSucceeded || state == StageState::kFailed;
}

Status CheckTransition(PipelineState from, PipelineState to) {
  if (IsTerminal(from)) return Illegal("pipeline", from, to);
  if (to == PipelineState::kFailed || to == PipelineState::kCancelled) return Status::Ok();
  const bool forward = (from == PipelineState::kSubmitted && to == PipelineState::kPlanned) ||
                       (from == PipelineState::kPlanned && to == PipelineState::kRunning) ||
                       (from == PipelineState::kRunning && to == PipelineState::kSucceeded);
  return forward ? Status::Ok() : Illegal("pipeline", from, to);
}

Status CheckTransition(StageState from, StageState to) {
  if (IsTerminal(from)) return Illegal("stage", from, to);
  if (to == StageState::kFailed || IsStageArrow(from, to)) return Status::Ok();
  return Illegal("stage", from, to);
}

}  // namespace sky::broker
