#pragma once
// The sim's stand-in for a stage's command: instead of running a script, an instance tagged
// with kTagWorkSeconds "works" for that long and reports progress, checkpoints and its exit as
// a real agent would (provider.h, AgentReport). Pure functions; safe from any thread.

#include <map>
#include <optional>
#include <string>

#include "sky/providers/provider.h"

namespace sky::providers {

// The stage work an instance carries in its tags.
struct SimWork {
  double work_seconds = 0;                   // W > 0: the full run time on this offer
  double resume_from = 0;                    // R in [0, 1]: fraction saved before this attempt
  std::optional<double> checkpoint_seconds;  // C > 0: checkpoint interval; none: no checkpoints
};

// Reads kTagWorkSeconds, kTagResumeFrom and kTagCheckpointSeconds. Never fails: nullopt when
// the work tag is absent or malformed (not a finite number, or <= 0); a malformed resume-from
// (outside 0..1) reads as 0 and a malformed checkpoint interval (<= 0) as none.
std::optional<SimWork> ParseSimWork(const std::map<std::string, std::string>& tags);

// The command's report at time `at` when it has run since `running_since` (the end of boot):
// progress = min(1, R + elapsed / W); checkpoint = R + whole intervals done (R without C);
// once (1 - R) * W seconds have passed, progress = checkpoint = 1, exit code 0 and a log line
// saying so. nullopt when `at` < `running_since` (the instance has not booted yet).
std::optional<AgentReport> SimulateAgent(const SimWork& work, double running_since, double at);

// SimulateAgent for an instance with these tags, or nullopt when it carries no (valid) work.
std::optional<AgentReport> SimulateAgentForTags(const std::map<std::string, std::string>& tags,
                                                double running_since, double at);

}  // namespace sky::providers
