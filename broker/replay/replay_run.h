#pragma once
// One replay run: a fresh world (in-memory store, sim cloud on the traces from an offset,
// manual clock, executor with the policy) driven until the pipeline ends, then read back as a
// ReplayRun. Thread-safe: runs share only read-only inputs.

#include <string>
#include <vector>

#include "sky/broker/plan_service.h"
#include "sky/broker/replay.h"

namespace sky::broker {

// What every run of one replay shares; read-only while runs go on.
struct ReplayWorld {
  std::string spec_json;  // the spec with the replay's overrides applied
  double deadline_hours = 0;
  double work_hours = 0;  // stops a run that cannot end (see RunReplayOnce)
  const PlanService* plans = nullptr;
  const std::vector<ReplayTrace>* traces = nullptr;
  std::vector<Offer> offers;  // what the sim serves (the catalog holds the same)
  double poll_seconds = 0;
  double restart_seconds = 0;  // the sim's boot time
  planner::PlannerOptions planner;
  bool timeline = true;
  bool any_zone = false;  // ReplayOptions::any_zone
};

// Runs `policy` from `offset_seconds` into the traces. A run that has not ended by twice the
// deadline (or the deadline plus twice the work, if later) is cancelled there. Never fails: a
// world that cannot be built makes a run that did not succeed, with the reason in `failure`.
ReplayRun RunReplayOnce(const ReplayWorld& world, ReplayPolicy policy, double offset_seconds);

// The cost of holding `trace`'s spot price from `from` to `to` seconds after its start, tick
// by tick (the last tick's price holds past its end). REQUIRES: the trace has prices.
double TracedCost(const providers::SpotTrace& trace, double from, double to);

}  // namespace sky::broker
