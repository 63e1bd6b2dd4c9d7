#pragma once
// CostModel: runtime, scheduled duration and expected cost of one stage on one offer
// (DESIGN.md, "Planning model", "Spot"). Immutable after construction; thread-safe.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "sky/planner/network.h"
#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::planner {

struct CandidateCost {
  double runtime_hours = 0;    // T: the stage's runtime without preemptions
  double expected_hours = 0;   // E: T for on-demand and reserved, T(1 + lambda(c/2 + r)) for spot
  double scheduled_hours = 0;  // what the schedule reserves: E + c + r for strict spot, else E
  Money expected_cost = 0;     // price * E (0 on a held reservation)
};

class CostModel {
 public:
  CostModel(const PipelineSpec& spec, const PlannerOptions& options);

  // The runtime of `stage` on an instance with `accelerator`: the stage's single number, or its
  // per-accelerator value (names matched case-insensitively). nullopt when the stage has a
  // per-accelerator table without that accelerator.
  static std::optional<double> RuntimeHours(const StageSpec& stage, const std::string& accelerator);

  // The cost of running `stage` for `runtime_hours` on `offer`; `reserved` prices it at 0 and
  // schedules it like on-demand.
  CandidateCost Evaluate(const StageSpec& stage, const Offer& offer, double runtime_hours,
                         bool reserved) const;

  // Preemptions per hour of a spot offer: its recorded rate, else the configured default.
  double PreemptionRate(const OfferId& id) const;

 private:
  const PlannerOptions& options_;
  double restart_hours_;
  bool strict_;
};

}  // namespace sky::planner

namespace sky::planner {

// Hours to move `gb` gigabytes at `gbps` gigabits per second.
inline double TransferHours(double gb, double gbps) { return gb * 8.0 / gbps / 3600.0; }

// Links between network locations, looked up once per pair. Not thread-safe (it caches);
// use one per planning run. The network model must outlive it.
class LinkTable {
 public:
  LinkTable(const NetworkModel& network, const NetworkOverrides& overrides)
      : network_(network), overrides_(overrides) {}

  // The link from `src` to `dst`. Returns InvalidArgument when the network gives a link with a
  // negative or non-finite price, or a throughput that is not > 0.
  Result<LinkCost> Link(const RegionId& src, const RegionId& dst);

 private:
  const NetworkModel& network_;
  const NetworkOverrides& overrides_;
  std::map<std::pair<RegionId, RegionId>, LinkCost> cache_;
};

}  // namespace sky::planner
