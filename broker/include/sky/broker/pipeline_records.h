#pragma once
// The records the PipelineStore reads and writes: pipelines, their stages, launch attempts,
// transitions and events. Plain values; safe to share read-only between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sky/broker/pipeline_state.h"

namespace sky::broker {

struct StageRecord {
  std::string name;
  StageState state = StageState::kPending;
  int64_t attempt = 0;
  std::string offer_id;         // empty until launched
  std::string instance_id;      // empty until a provider returned one
  std::string idempotency_key;  // stored before the provider call it guards
  double cost_usd = 0;          // sum of the cost of every attempt so far
  // Heartbeat state (from the instance's agent or the heartbeat endpoint).
  double progress = 0;           // fraction of the stage's work done, 0..1
  double checkpoint = 0;         // fraction of the work saved in the last checkpoint, 0..1
  int64_t failures = 0;          // attempts whose command exited non-zero
  std::string log_tail;          // the last lines the command wrote (last report)
  std::string token_hash;        // hash of the current attempt's heartbeat token
  double last_heartbeat_at = 0;  // 0: never
  // Data plane (README "Data"): the last complete checkpoint's URI ("" when none) and the place
  // that stored it, and where the stage's outputs are stored once it succeeded.
  std::string checkpoint_uri;
  std::string checkpoint_location;  // "provider:region[:zone]"
  std::string output_uri;
  std::string output_location;
};

// One transfer of the data plane: what moved, how much, how long, and what it cost at the
// network model's price of the pair (src -> dst, "provider:region[:zone]").
struct TransferRecord {
  int64_t seq = 0;  // increasing over the whole store (0 before it is stored)
  std::string pipeline_id;
  std::string stage;
  int64_t attempt = 0;
  // input | restore | checkpoint | output (by the instance) | delivery (by the broker).
  std::string kind;
  std::string name;  // the input's name, the checkpoint's sequence number, or ""
  std::string uri;   // the storage side
  std::string src, dst;
  int64_t bytes = 0;
  double seconds = 0;
  double usd = 0;
  double at = 0;
};

// One launch of a stage on one offer: a row is written before the provider call.
struct AttemptRecord {
  std::string pipeline_id;
  std::string stage;
  int64_t attempt = 0;  // 1, 2, ... per stage
  std::string offer_id;
  std::string provider;  // the offer's provider ("gcp"), as planned
  std::string location;  // "provider:region[:zone]"
  std::string market;    // "spot" | "on_demand"
  double price_per_hour = 0;
  std::string idempotency_key;
  std::string instance_id;  // empty until the provider answered
  double requested_at = 0;  // when the launch was recorded
  double ended_at = 0;      // 0 while the attempt is live
  // "" while live; else succeeded | failed | preempted | capacity | quota | cancelled |
  // lost (the instance vanished) | replaced (superseded before it ran).
  std::string outcome;
  double cost_usd = 0;  // price x (ended_at - requested_at), written when it ends
};

// One line of a pipeline's event log: every transition (kind "state", message
// "from -> to: reason") and every decision or observation that is not one: launch (a next
// candidate while provisioning), capacity, quota, rejected, throttled, unavailable, preempted,
// replan, market (a move to on-demand for price), deadline, reconcile, cost.
struct EventRecord {
  int64_t seq = 0;  // increasing over the whole store
  std::string pipeline_id;
  std::optional<std::string> stage;  // nullopt for the pipeline as a whole
  std::string kind;
  std::string message;
  double at = 0;
};

// What a filtered pipeline listing may select. Empty fields select everything.
struct PipelineFilter {
  std::string tenant;
  std::optional<PipelineState> state;
  size_t limit = 100;
  size_t offset = 0;
};

struct PipelineRecord {
  std::string id;
  std::string tenant;
  std::string name;
  std::string spec_json;
  std::string plan_json;  // empty until planned
  PipelineState state = PipelineState::kSubmitted;
  double created_at = 0;  // Unix seconds, as passed by the caller
  double updated_at = 0;
  std::vector<StageRecord> stages;  // in creation order
};

struct TransitionRecord {
  int64_t seq = 0;  // increasing over the whole store
  std::string pipeline_id;
  std::optional<std::string> stage;  // nullopt for a pipeline transition
  std::string from_state;
  std::string to_state;
  std::string reason;
  double at = 0;
};

}  // namespace sky::broker
