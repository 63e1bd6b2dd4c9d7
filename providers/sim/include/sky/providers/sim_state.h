#pragma once
// The whole state of a sim cloud: what a SimProvider keeps in memory and what its state file
// (SimOptions::state_path) holds, so that the simulated cloud outlives the broker process.
// Plain values; thread safety is that of the owner (SimProvider guards its copy with a mutex).

#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "sky/providers/provider.h"

namespace sky::providers {

struct SimStats {
  int64_t launches = 0;            // instances created
  int64_t idempotent_replays = 0;  // launches answered with an existing instance
  int64_t capacity_refusals = 0;
  int64_t preemptions = 0;
  int64_t live = 0;  // not terminated
  // Distinct (kTagPipeline, kTagStage, kTagAttempt) triples carried by more than one instance:
  // each is an attempt the broker launched twice. Instances without all three tags are ignored.
  int64_t duplicate_attempts = 0;
  // API faults injected (SimOptions::error_rate, timeout_rate, throttling bursts) by this
  // process; counted in memory only, like `live`.
  int64_t injected_errors = 0;
  int64_t injected_timeouts = 0;
  int64_t injected_throttles = 0;
};

// One instance as the sim keeps it.
struct SimInstanceState {
  Instance instance;       // once terminated, `agent` holds the report frozen at stopped_at
  std::string location;    // the offer's location id
  double preempt_at = -1;  // random model; < 0 when none
  double stopped_at = -1;  // when it terminated; < 0 while live
};

struct SimState {
  std::map<std::string, SimInstanceState> instances;  // by id, ordered by launch
  std::map<std::string, std::string> by_key;          // idempotency key -> instance id
  std::map<std::string, double> trace_checked_until;  // location -> clock time
  SimStats stats;  // `live`, `duplicate_attempts`, `injected_*`: computed on demand, not kept
  int64_t next_id = 1;
  std::mt19937_64 rng;  // the random preemption model's generator
};

}  // namespace sky::providers
