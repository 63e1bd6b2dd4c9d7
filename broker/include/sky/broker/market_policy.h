#pragma once
// MarketPolicy: the narrow hook through which a policy other than the executor's own
// planner-driven failover decides, for one stage at a time, whether to run on spot, on
// on-demand, or not at all (DESIGN.md "Replay"). The executor consults it (a) when a stage is
// about to launch, (b) at each poll of a running stage (a different answer stops the instance
// at its checkpoint), and (c) after a preemption; without a policy the executor behaves as
// executor.h describes. Policies see the state of the paper's model (Wu et al., "Can't Be
// Late", NSDI'24, section 3.1): time t, remaining work C(t), time to deadline R(t), changeover
// delay d. Implementations must be thread-safe: one policy serves every pipeline.

#include <memory>
#include <optional>
#include <string_view>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::broker {

// What the executor knows when it asks. Hours throughout, from the pipeline's start.
struct MarketView {
  double now_hours = 0;                  // t
  std::optional<double> deadline_hours;  // R(0): the pipeline's deadline, when it has one
  double restart_hours = 0;              // d: the spec's restart_minutes; every launch costs it
  double total_work_hours = 0;           // C(0): every stage's run time
  double remaining_work_hours = 0;       // C(t): the unfinished stages' work past their checkpoints
  // Time the executor may see late: work lost at a preemption (one checkpoint interval) plus
  // two polls (a preemption and the end of the work are each seen up to one poll late). The
  // safety net keeps this much in hand on top of the paper's 2d.
  double margin_hours = 0;
  std::optional<Market> current;  // the market of the stage's running instance; none when idle
  bool spot_possible = false;     // the stage has spot candidates at all
  bool spot_available = false;    // a spot candidate has capacity now (as far as is known)
};

enum class MarketChoice {
  kSpot,      // run on spot (launch on the first spot place with capacity, or keep running there)
  kOnDemand,  // run on on-demand
  kIdle,      // run nowhere for now: launch nothing, stop a running instance at its checkpoint
};

struct MarketDecision {
  MarketChoice choice = MarketChoice::kIdle;
  std::string_view rule;  // which rule decided ("safety net", "exploitation", ...): a literal
};

class MarketPolicy {
 public:
  virtual ~MarketPolicy() = default;
  virtual std::string_view name() const = 0;
  virtual MarketDecision Decide(const MarketView& view) const = 0;
  // False: spot only in the stage's first (cheapest) spot place, as the paper's policies run
  // ("given an availability zone and an instance type", section 7.1); true: in any of them,
  // cheapest first.
  virtual bool AnySpotZone() const { return true; }
};

// Tells whether spot capacity exists for an offer right now without launching anything (the
// paper's is_spot_available, section 7.1, which SkyPilot gets from a capacity API). Optional:
// without one the executor learns it by launching, and a refusal blocks the place for the
// capacity cool-down. Implementations must be thread-safe.
class CapacityProbe {
 public:
  virtual ~CapacityProbe() = default;
  virtual bool HasSpotCapacity(const Offer& offer) const = 0;
};

// Never spot: every stage runs on on-demand.
std::unique_ptr<MarketPolicy> NewOnDemandPolicy();
// The paper's greedy policy (section 3.4): spot whenever it is available, kept until preempted;
// on-demand until the end once idle with R(t) < C(t) + 2d + margin (the Safety Net Rule).
// `any_zone`: see MarketPolicy::AnySpotZone (the paper's policy: false).
std::unique_ptr<MarketPolicy> NewGreedySpotPolicy(bool any_zone = false);
// Uniform Progress (section 5.2.2): greedy's rules plus on-demand while behind the uniform
// progress line ep(t) = C(0) t / R(0), kept until ahead of ep(t + 2d) (hysteresis).
std::unique_ptr<MarketPolicy> NewUniformProgressPolicy(bool any_zone = false);
// The broker's own (replay's `broker`): Uniform
// Progress over every spot place the planner ranks, in any zone or cloud, except that a stage on
// on-demand stays there until spot is available rather than idling.
std::unique_ptr<MarketPolicy> NewBrokerPolicy();
// The policy named `name` ("on_demand", "greedy_spot", "uniform_progress" or "broker"; the
// paper's policies in their first spot place only). InvalidArgument naming the choices otherwise.
Result<std::unique_ptr<MarketPolicy>> NewMarketPolicy(std::string_view name);

}  // namespace sky::broker
