#pragma once
// PipelineRun: what the executor keeps in memory about one pipeline besides the store's record:
// derived values and timers that a restart may lose without harm. Owned by the one thread that
// claimed its pipeline (executor_impl.h).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sky/planner/plan.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::broker {

struct PipelineRun {
  planner::PipelineSpec spec;
  std::optional<planner::Plan> plan;
  struct StageTimers {
    double next_poll_at = 0;     // next describe of the live instance
    double retry_at = 0;         // throttled: next launch or describe try
    double backoff_seconds = 0;  // current throttling back-off (0: none)
  };
  std::map<std::string, StageTimers> timers;
  // With a market policy: each stage's candidate places per market, cheapest first, found
  // through the planner once (executor_market.cc).
  struct MarketCandidates {
    std::vector<Offer> spot, on_demand;
  };
  std::map<std::string, MarketCandidates> candidates;
};

}  // namespace sky::broker
