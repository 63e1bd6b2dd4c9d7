#include "broker/replay/replay_run.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "sky/broker/executor.h"
#include "sky/broker/executor_world.h"
#include "sky/broker/market_policy.h"
#include "sky/broker/pipeline_store.h"
#include "sky/providers/sim_provider.h"
#include "sky/types/clock.h"

namespace sky::broker {
namespace {

// Where every run's virtual clock starts; any time works, since only differences are reported.
constexpr double kOrigin = 1.7e9;
// Steps the executor may take at one instant before the clock is nudged forward (a guard).
constexpr int kMaxStepsPerInstant = 1000;

// Spot capacity straight from the traces the sim replays: what a capacity API would say.
class TraceProbe final : public CapacityProbe {
 public:
  TraceProbe(const Clock& clock, const std::vector<ReplayTrace>& traces, double trace_start)
      : clock_(clock), trace_start_(trace_start) {
    for (const ReplayTrace& t : traces) by_location_[t.location] = &t.trace;
  }
  bool HasSpotCapacity(const Offer& offer) const override {
    auto it = by_location_.find(offer.location_id());
    if (it == by_location_.end()) it = by_location_.find(offer.region_id());
    if (it == by_location_.end()) return true;  // the sim does not limit it either
    return it->second->AvailableAt(clock_.NowSeconds() - trace_start_) > 0;
  }

 private:
  const Clock& clock_;
  const double trace_start_;
  std::map<std::string, const providers::SpotTrace*> by_location_;
};

std::unique_ptr<MarketPolicy> PolicyFor(ReplayPolicy policy, bool any_zone) {
  switch (policy) {
    case ReplayPolicy::kOnDemand:
      return NewOnDemandPolicy();
    case ReplayPolicy::kGreedySpot:
      return NewGreedySpotPolicy(any_zone);
    case ReplayPolicy::kUniformProgress:
      return NewUniformProgressPolicy(any_zone);
    case ReplayPolicy::kBroker:
      return NewBrokerPolicy();
  }
  return nullptr;
}

ExecutorOptions OptionsFor(const ReplayWorld& world, const MarketPolicy* policy,
                           const CapacityProbe& probe) {
  ExecutorOptions options;
  options.poll_seconds = world.poll_seconds;
  options.planner = world.planner;
  options.deployment = "replay";
  // Waiting for spot may take many launches over days; attempts are not what fails a replay.
  options.max_stage_attempts = 1 << 20;
  options.market_policy = policy;
  options.capacity_probe = &probe;
  if (policy) {
    // The paper's policies look at availability afresh at every tick: a refusal or a
    // preemption says nothing about the next one.
    options.capacity_cooldown_seconds = world.poll_seconds;
    options.preemption_cooldown_seconds = world.poll_seconds;
  }
  return options;
}

// Steps the executor until the pipeline ends or the clock reaches `stop`.
void Drive(Executor& executor, ManualClock& clock, double stop, double poll) {
  int steps_now = 0;
  while (clock.NowSeconds() < stop) {
    executor.RunDue();
    if (executor.active() == 0) return;
    const std::optional<double> wait = executor.NextWakeIn();
    if (wait && *wait <= 0 && ++steps_now < kMaxStepsPerInstant) continue;
    steps_now = 0;
    clock.Advance(std::max(wait.value_or(poll), 1e-3));
  }
}

const providers::SpotTrace* TraceAt(const ReplayWorld& world, const std::string& location) {
  for (const ReplayTrace& t : *world.traces) {
    if (t.location == location) return &t.trace;
  }
  return nullptr;
}

void AddAttempt(const ReplayWorld& world, const AttemptRecord& a, double trace_start,
                ReplayRun& run) {
  if (a.instance_id.empty()) return;  // refused (capacity) or never answered: no instance
  ReplaySegment seg;
  const double end = a.ended_at > 0 ? a.ended_at : a.requested_at;
  seg.start_hours = (a.requested_at - kOrigin) / 3600;
  seg.end_hours = (end - kOrigin) / 3600;
  seg.location = a.location;
  seg.market = ParseMarket(a.market).value_or(Market::kOnDemand);
  seg.outcome = a.outcome;
  seg.cost_usd = a.cost_usd;
  const providers::SpotTrace* trace = TraceAt(world, a.location);
  if (seg.market == Market::kSpot && trace && !trace->prices.empty()) {
    seg.cost_usd = TracedCost(*trace, a.requested_at - trace_start, end - trace_start);
  }
  const double hours = seg.end_hours - seg.start_hours;
  (seg.market == Market::kSpot ? run.spot_hours : run.on_demand_hours) += hours;
  run.cost_usd += seg.cost_usd;
  ++run.launches;
  if (a.outcome == "preempted") ++run.preemptions;
  if (world.timeline) run.timeline.push_back(std::move(seg));
}

// Fills `run` from the store: the pipeline's end, every attempt, and why it did not succeed.
void ReadBack(const ReplayWorld& world, PipelineStore& store, const std::string& id,
              double trace_start, ReplayRun& run) {
  auto record = store.GetPipeline(id);
  auto attempts = store.Attempts(id);
  if (!record.ok() || !attempts.ok()) {
    run.failure = "cannot read the run back: " +
                  (record.ok() ? attempts.status() : record.status()).ToString();
    return;
  }
  run.succeeded = record->state == PipelineState::kSucceeded;
  run.finish_hours = (record->updated_at - kOrigin) / 3600;
  run.deadline_met = run.succeeded && run.finish_hours <= world.deadline_hours + 1e-9;
  for (const AttemptRecord& a : *attempts) AddAttempt(world, a, trace_start, run);
  if (run.succeeded) return;
  auto transitions = store.Transitions(id);
  if (!transitions.ok()) return;
  for (const TransitionRecord& t : *transitions) {
    if (!t.stage && (t.to_state == "failed" || t.to_state == "cancelled")) run.failure = t.reason;
  }
}

}  // namespace

double TracedCost(const providers::SpotTrace& trace, double from, double to) {
  double cost = 0;
  double t = from;
  while (t < to) {
    const double tick_end = (std::floor(t / trace.gap_seconds) + 1) * trace.gap_seconds;
    const double until = std::min(to, std::max(tick_end, t + 1e-9));
    cost += trace.PriceAt(t).value_or(0) * (until - t) / 3600;
    t = until;
  }
  return cost;
}

ReplayRun RunReplayOnce(const ReplayWorld& world, ReplayPolicy policy, double offset_seconds) {
  ReplayRun run;
  run.policy = policy;
  run.offset_hours = offset_seconds / 3600;
  ExecutorWorldOptions world_options;
  world_options.start_seconds = kOrigin;
  ExecutorWorld executor_world(world_options);
  ManualClock& clock = executor_world.clock();
  providers::SimOptions sim_options;
  sim_options.boot_seconds = world.restart_seconds;
  sim_options.trace_start_seconds = kOrigin - offset_seconds;
  for (const ReplayTrace& t : *world.traces) sim_options.traces[t.location] = t.trace;
  executor_world.StartSim(world.offers, sim_options);
  TraceProbe probe(clock, *world.traces, sim_options.trace_start_seconds);
  const std::unique_ptr<MarketPolicy> market = PolicyFor(policy, world.any_zone);
  Status started = executor_world.OpenStore();
  if (started.ok()) {
    started = executor_world.StartExecutor(*world.plans, OptionsFor(world, market.get(), probe));
  }
  Result<std::string> id = started.ok()
                               ? executor_world.executor().Submit("replay", world.spec_json)
                               : Result<std::string>(started);
  if (!id.ok()) {
    executor_world.StopExecutor();  // before the policy and probe it points to go
    run.failure = id.status().ToString();
    return run;
  }
  Executor& executor = executor_world.executor();
  const double hours =
      std::max(2 * world.deadline_hours, world.deadline_hours + 2 * world.work_hours);
  Drive(executor, clock, kOrigin + hours * 3600, world.poll_seconds);
  if (executor.active() > 0) (void)executor.Cancel(*id, "replay stopped: no end in sight");
  ReadBack(world, executor_world.store(), *id, sim_options.trace_start_seconds, run);
  executor_world.StopExecutor();
  return run;
}

}  // namespace sky::broker
