// With ExecutorOptions::market_policy: the policy picks the market of every launch, may stop a
// running instance to change market, and may leave a stage waiting with no instance (pending,
// or recovering after a refusal, a preemption or a switch). Places come from the planner: each
// market's candidates for the stage, cheapest first, found once per pipeline run. A place is
// skipped while it is blocked (a refusal or preemption within its cool-down) and, with a
// capacity probe, while it has no spot capacity.
#include <algorithm>
#include <cstdio>

#include "broker/executor/executor_impl.h"

namespace sky::broker {
namespace {

// More places than any replay or pipeline needs; bounds the enumeration below.
constexpr size_t kMaxPlaces = 64;

// The stage alone, as the planner sees a one-stage pipeline restricted to `market`: no
// predecessors, inputs, deadline or budget, so that every place that can run it is a candidate.
planner::PipelineSpec SingleStageSpec(const planner::PipelineSpec& spec, const std::string& stage,
                                      Market market) {
  planner::PipelineSpec one = spec;
  one.stages.clear();
  one.inputs.clear();
  one.outputs.clear();
  one.reservations.clear();
  one.deadline_hours.reset();
  one.budget_usd.reset();
  one.objective = planner::Objective::kCost;
  one.constraints.markets = {market};
  for (const planner::StageSpec& s : spec.stages) {
    if (s.name != stage) continue;
    planner::StageSpec copy = s;
    copy.after.clear();
    copy.reads.clear();
    one.stages.push_back(std::move(copy));
  }
  return one;
}

std::string Percent(double fraction) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", fraction * 100);
  return buf;
}

bool Runs(MarketChoice choice, Market market) {
  return (choice == MarketChoice::kSpot && market == Market::kSpot) ||
         (choice == MarketChoice::kOnDemand && market == Market::kOnDemand);
}

}  // namespace

std::vector<Offer> Executor::Impl::EnumeratePlaces(const PipelineRun& run, const std::string& stage,
                                                   Market market) {
  const planner::PipelineSpec one = SingleStageSpec(run.spec, stage, market);
  planner::PlannerOptions options = options_.planner;
  std::vector<Offer> places;
  // The planner's cheapest place, then the cheapest without it, and so on: a ranking that
  // honours every constraint of the spec without a second candidate filter here.
  while (places.size() < kMaxPlaces) {
    auto plan = plans_.Plan(one, options);
    if (!plan.ok() || plan->status == planner::PlanStatus::kInfeasible || plan->stages.empty()) {
      break;
    }
    std::optional<Offer> offer = FindOffer(plan->stages.front().offer_id);
    if (!offer) break;
    options.excluded.push_back(offer->id);
    places.push_back(std::move(*offer));
  }
  // Places of one price are equal to the planner, which picks among them as its solver
  // happens to: order them by id, so that "the first place" does not depend on it.
  for (auto begin = places.begin(); begin != places.end();) {
    auto end = std::find_if(begin, places.end(), [&](const Offer& o) {
      return o.price_per_hour != begin->price_per_hour || o.accelerator != begin->accelerator;
    });
    std::sort(begin, end, [](const Offer& a, const Offer& b) { return a.id < b.id; });
    begin = end;
  }
  return places;
}

const PipelineRun::MarketCandidates& Executor::Impl::CandidatesFor(PipelineRun& run,
                                                                   const std::string& stage) {
  auto it = run.candidates.find(stage);
  if (it != run.candidates.end()) return it->second;
  PipelineRun::MarketCandidates places;
  places.spot = EnumeratePlaces(run, stage, Market::kSpot);
  if (!options_.market_policy->AnySpotZone() && places.spot.size() > 1) places.spot.resize(1);
  places.on_demand = EnumeratePlaces(run, stage, Market::kOnDemand);
  return run.candidates.emplace(stage, std::move(places)).first->second;
}

const Offer* Executor::Impl::FirstPlace(const std::vector<Offer>& places, bool probe) {
  const double now = Now();
  for (const Offer& offer : places) {
    if (blocklist_.Blocks(offer, now)) continue;
    if (probe && options_.capacity_probe && offer.market == Market::kSpot &&
        !options_.capacity_probe->HasSpotCapacity(offer)) {
      continue;
    }
    return &offer;
  }
  return nullptr;
}

MarketView Executor::Impl::ViewFor(const PipelineRecord& record, const PipelineRun& run,
                                   const StageRecord& stage, double checkpoint,
                                   std::optional<Market> current,
                                   const PipelineRun::MarketCandidates& places) {
  MarketView view;
  view.now_hours = PipelineHours(record);
  view.deadline_hours = run.spec.deadline_hours;
  view.restart_hours = run.spec.restart_minutes / 60;
  // Work is the planned run time of each stage; DAG stages are summed as if in a chain, which
  // can only overstate what is left (the safe side).
  for (const StageRecord& s : record.stages) {
    const planner::StagePlacement* placed = PlacementOf(run, s.name);
    const double hours = placed ? placed->runtime_hours : 0;
    view.total_work_hours += hours;
    if (s.state == StageState::kSucceeded) continue;
    const double saved = s.name == stage.name ? checkpoint : s.checkpoint;
    view.remaining_work_hours += hours * (1 - std::clamp(saved, 0.0, 1.0));
  }
  const planner::StageSpec& spec = run.spec.stages[StageIndex(run, stage.name)];
  const planner::StagePlacement* own = PlacementOf(run, stage.name);
  const double lost_hours =
      spec.checkpoint_minutes ? *spec.checkpoint_minutes / 60 : (own ? own->runtime_hours : 0);
  view.margin_hours = lost_hours + 2 * options_.poll_seconds / 3600;
  view.current = current;
  view.spot_possible = !places.spot.empty();
  view.spot_available = FirstPlace(places.spot, true) != nullptr;
  return view;
}

std::optional<double> Executor::Impl::LaunchByPolicy(const PipelineRecord& record, PipelineRun& run,
                                                     const StageRecord& stage) {
  const PipelineRun::MarketCandidates& places = CandidatesFor(run, stage.name);
  const MarketView view = ViewFor(record, run, stage, stage.checkpoint, std::nullopt, places);
  const MarketDecision decision = options_.market_policy->Decide(view);
  const Offer* offer = nullptr;
  if (decision.choice == MarketChoice::kSpot) offer = FirstPlace(places.spot, true);
  if (decision.choice == MarketChoice::kOnDemand) {
    if (places.on_demand.empty()) {
      (void)TransitionStage(record.id, stage.name, StageState::kFailed,
                            "no on-demand candidate for the stage");
      return Now();
    }
    offer = FirstPlace(places.on_demand, false);
  }
  if (!offer) return WaitForMarket(record, stage, decision);
  return StartAttempt(
      record, run, stage, *offer,
      std::string(options_.market_policy->name()) + ", " + std::string(decision.rule));
}

std::optional<double> Executor::Impl::WaitForMarket(const PipelineRecord& record,
                                                    const StageRecord& stage,
                                                    const MarketDecision& decision) {
  // Pending and recovering stages simply wait; one whose launch was just refused (still
  // provisioning, with no instance) moves to recovering, so that it reads as waiting.
  if (stage.state == StageState::kProvisioning) {
    (void)TransitionStage(record.id, stage.name, StageState::kRecovering,
                          std::string(options_.market_policy->name()) +
                              " waits with no instance (" + std::string(decision.rule) + ")");
  }
  return Now() + options_.poll_seconds;
}

std::optional<double> Executor::Impl::ReviewMarket(const PipelineRecord& record, PipelineRun& run,
                                                   const StageRecord& stage,
                                                   const providers::Instance& instance,
                                                   double checkpoint) {
  const PipelineRun::MarketCandidates& places = CandidatesFor(run, stage.name);
  const MarketView view = ViewFor(record, run, stage, checkpoint, instance.market, places);
  const MarketDecision decision = options_.market_policy->Decide(view);
  if (Runs(decision.choice, instance.market)) return std::nullopt;
  providers::Provider* provider = ProviderFor(instance.provider);
  const Status stopped = provider ? provider->Terminate(instance.id) : Status::Ok();
  PipelineRun::StageTimers& timers = run.timers[stage.name];
  if (!stopped.ok() && !stopped.IsNotFound()) {
    timers.retry_at = Now() + Backoff(timers);
    return timers.retry_at;
  }
  const std::string market(MarketName(instance.market));
  const std::string why = std::string(options_.market_policy->name()) + " leaves " + market +
                          " at checkpoint " + Percent(checkpoint) + " (" +
                          std::string(decision.rule) + ")";
  (void)store_.EndAttempt(record.id, stage.name, stage.attempt, "switched", Now());
  (void)Event(record.id, stage.name, "market", why);
  timers = {};
  (void)TransitionStage(record.id, stage.name, StageState::kRecovering, why);
  return Now();
}

}  // namespace sky::broker
