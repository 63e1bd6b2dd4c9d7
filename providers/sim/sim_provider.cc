#include "sky/providers/sim_provider.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <tuple>

#include "providers/sim/sim_agent.h"
#include "providers/sim/sim_faults.h"
#include "providers/sim/sim_state_file.h"

namespace sky::providers {
namespace {

bool IsLive(const Instance& i) { return i.state != InstanceState::kTerminated; }

std::string MakeId(int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "sim-%08lld", static_cast<long long>(n));
  return buf;
}

int64_t CountDuplicateAttempts(const std::map<std::string, SimInstanceState>& instances) {
  std::map<std::tuple<std::string, std::string, std::string>, int> carriers;
  for (const auto& [id, sim] : instances) {
    const auto& tags = sim.instance.tags;
    auto pipeline = tags.find(kTagPipeline);
    auto stage = tags.find(kTagStage);
    auto attempt = tags.find(kTagAttempt);
    if (pipeline == tags.end() || stage == tags.end() || attempt == tags.end()) continue;
    ++carriers[{pipeline->second, stage->second, attempt->second}];
  }
  return std::count_if(carriers.begin(), carriers.end(),
                       [](const auto& entry) { return entry.second > 1; });
}

}  // namespace

SimProvider::SimProvider(std::vector<Offer> offers, const Clock& clock, SimOptions options)
    : clock_(clock), options_(std::move(options)), faults_(std::make_unique<SimFaults>(options_)) {
  for (auto& offer : offers) {
    OfferId id = offer.id;
    offers_.emplace(std::move(id), std::move(offer));
  }
  state_.rng.seed(options_.seed);
}

SimProvider::~SimProvider() = default;

Result<std::unique_ptr<SimProvider>> SimProvider::Open(std::vector<Offer> offers,
                                                       const Clock& clock, SimOptions options) {
  std::optional<SimState> loaded;
  if (!options.state_path.empty()) {
    SKY_ASSIGN_OR_RETURN(loaded, LoadSimState(options.state_path));
  }
  auto sim = std::make_unique<SimProvider>(std::move(offers), clock, std::move(options));
  if (loaded) {
    MutexLock lock(sim->mu_);
    sim->state_ = std::move(*loaded);
    sim->RebuildIndexesLocked();
  }
  return Result<std::unique_ptr<SimProvider>>(std::move(sim));
}

Result<std::vector<Offer>> SimProvider::ListOffers() {
  if (SimFault fault = faults_->Next(clock_.NowSeconds(), false); fault != SimFault::kNone) {
    return faults_->Fail(fault, "list_offers", false);
  }
  std::vector<Offer> out;
  out.reserve(offers_.size());
  for (const auto& [id, offer] : offers_) out.push_back(offer);
  return out;
}

const SpotTrace* SimProvider::TraceFor(const Offer& offer) const {
  auto it = options_.traces.find(offer.location_id());
  if (it == options_.traces.end()) it = options_.traces.find(offer.region_id());
  return it == options_.traces.end() ? nullptr : &it->second;
}

int SimProvider::LiveSpotAt(const std::string& location) const {
  auto it = live_spot_.find(location);
  return it == live_spot_.end() ? 0 : static_cast<int>(it->second.size());
}

void SimProvider::IndexLocked(const SimInstanceState& sim) {
  const Instance& inst = sim.instance;
  if (!IsLive(inst)) return;
  ++live_;
  ++live_by_offer_[inst.offer_id];
  if (inst.market == Market::kSpot) live_spot_[sim.location].insert(inst.id);
  if (inst.state == InstanceState::kPending) {
    due_.emplace(inst.launched_at_seconds + options_.boot_seconds, inst.id);
  }
  if (sim.preempt_at >= 0) due_.emplace(sim.preempt_at, inst.id);
}

void SimProvider::UnindexLocked(const SimInstanceState& sim) {
  const Instance& inst = sim.instance;
  --live_;
  if (--live_by_offer_[inst.offer_id] <= 0) live_by_offer_.erase(inst.offer_id);
  auto spot = live_spot_.find(sim.location);
  if (spot != live_spot_.end()) {
    spot->second.erase(inst.id);
    if (spot->second.empty()) live_spot_.erase(spot);
  }
  // Entries in due_ for it are skipped when they come up: it is no longer live.
}

void SimProvider::RebuildIndexesLocked() {
  due_.clear();
  live_spot_.clear();
  live_by_offer_.clear();
  live_ = 0;
  for (const auto& [id, sim] : state_.instances) IndexLocked(sim);
}

Status SimProvider::CheckCapacityLocked(const Offer& offer, double now) {
  if (offer.market == Market::kSpot) {
    if (const SpotTrace* trace = TraceFor(offer)) {
      const int available = trace->AvailableAt(now - options_.trace_start_seconds);
      if (LiveSpotAt(offer.location_id()) >= available) {
        ++state_.stats.capacity_refusals;
        dirty_ = true;
        return Status::ResourceExhausted("no spot capacity for " + offer.instance_type + " in " +
                                         offer.location_id());
      }
    }
  }
  if (offer.available) {
    auto it = live_by_offer_.find(offer.id);
    const int live = it == live_by_offer_.end() ? 0 : it->second;
    if (live >= *offer.available) {
      ++state_.stats.capacity_refusals;
      dirty_ = true;
      return Status::ResourceExhausted("no capacity for " + offer.id);
    }
  }
  return Status::Ok();
}

Result<Instance> SimProvider::Launch(const LaunchRequest& request) {
  const SimFault fault = faults_->Next(clock_.NowSeconds(), true);
  if (fault != SimFault::kNone && fault != SimFault::kTimeoutAfter) {
    return faults_->Fail(fault, "launch", true);
  }
  Result<Instance> result = LaunchAndStore(request);
  // After the outcome is stored and written, outside the lock: the cloud has acted, the caller
  // has not heard yet, and other calls go on meanwhile.
  if (options_.api_latency_seconds > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.api_latency_seconds));
  }
  // The instance exists (or the launch failed), but the answer is lost on the way back.
  if (fault == SimFault::kTimeoutAfter) return faults_->Fail(fault, "launch", true);
  return result;
}

Result<Instance> SimProvider::LaunchAndStore(const LaunchRequest& request) {
  const double now = clock_.NowSeconds();
  MutexLock lock(mu_);
  Result<Instance> result = LaunchLocked(request, now);
  SKY_RETURN_IF_ERROR(FlushLocked());
  return result;
}

Result<Instance> SimProvider::LaunchLocked(const LaunchRequest& request, double now) {
  RefreshLocked(now);
  if (!request.idempotency_key.empty()) {
    auto it = state_.by_key.find(request.idempotency_key);
    if (it != state_.by_key.end()) {
      ++state_.stats.idempotent_replays;
      dirty_ = true;
      return ViewLocked(state_.instances.at(it->second), now);
    }
  }
  auto offer_it = offers_.find(request.offer.id);
  if (offer_it == offers_.end()) return Status::NotFound("sim serves no offer " + request.offer.id);
  SKY_RETURN_IF_ERROR(CheckCapacityLocked(offer_it->second, now));
  SimInstanceState sim = NewInstanceLocked(offer_it->second, request, now);
  Instance copy = sim.instance;
  if (!request.idempotency_key.empty()) state_.by_key[request.idempotency_key] = copy.id;
  ++state_.stats.launches;
  IndexLocked(sim);
  state_.instances.emplace(copy.id, std::move(sim));
  dirty_ = true;
  return copy;
}

SimInstanceState SimProvider::NewInstanceLocked(const Offer& offer, const LaunchRequest& request,
                                                double now) {
  SimInstanceState sim;
  Instance& inst = sim.instance;
  const int64_t n = state_.next_id++;
  inst.id = MakeId(n);
  inst.offer_id = offer.id;
  inst.provider = offer.provider;
  inst.region = offer.region;
  inst.zone = offer.zone;
  inst.instance_type = offer.instance_type;
  inst.market = offer.market;
  inst.tags = request.tags;
  inst.private_ip =
      "10.0." + std::to_string(((n + 1) / 250) % 250) + "." + std::to_string((n + 1) % 250 + 1);
  inst.launched_at_seconds = now;
  sim.location = offer.location_id();
  if (offer.market == Market::kSpot && !TraceFor(offer) &&
      options_.spot_preemption_rate_per_hour > 0) {
    std::exponential_distribution<double> hours(options_.spot_preemption_rate_per_hour);
    sim.preempt_at = now + hours(state_.rng) * 3600.0;
  }
  return sim;
}

void SimProvider::StopLocked(SimInstanceState& sim, TerminationReason reason, double at) {
  UnindexLocked(sim);
  Instance& inst = sim.instance;
  inst.state = InstanceState::kTerminated;
  inst.reason = reason;
  sim.stopped_at = at;
  // The command dies with its instance: its last report stays as it was at that moment.
  const double running_since = inst.launched_at_seconds + options_.boot_seconds;
  inst.agent = SimulateAgentForTags(inst.tags, running_since, at);
  if (reason == TerminationReason::kPreempted) ++state_.stats.preemptions;
  dirty_ = true;
}

Instance SimProvider::ViewLocked(const SimInstanceState& sim, double now) const {
  Instance out = sim.instance;
  if (out.state == InstanceState::kRunning) {
    // Another caller may have refreshed with a slightly later clock reading than `now`.
    const double running_since = out.launched_at_seconds + options_.boot_seconds;
    out.agent = SimulateAgentForTags(out.tags, running_since, std::max(now, running_since));
  }
  return out;
}

Status SimProvider::FlushLocked() {
  if (!dirty_ || options_.state_path.empty()) return Status::Ok();
  SKY_RETURN_IF_ERROR(SaveSimState(options_.state_path, state_));
  dirty_ = false;
  return Status::Ok();
}

void SimProvider::ApplyTraceLocked(const std::string& location, const SpotTrace& trace,
                                   double now) {
  // Walk every tick since the last look, so that a dip between two calls still preempts.
  double& checked = state_.trace_checked_until[location];
  const double gap = trace.gap_seconds;
  double t = std::max(checked, options_.trace_start_seconds);
  while (true) {
    const int available = trace.AvailableAt(t - options_.trace_start_seconds);
    std::vector<SimInstanceState*> live;
    auto spot = live_spot_.find(location);
    if (spot != live_spot_.end()) {
      for (const std::string& id : spot->second) {
        SimInstanceState& sim = state_.instances.at(id);
        if (sim.instance.launched_at_seconds <= t) live.push_back(&sim);
      }
    }
    // Newest first: ids grow with launch order.
    for (int i = static_cast<int>(live.size()) - 1; i >= available; --i) {
      StopLocked(*live[i], TerminationReason::kPreempted, t);
    }
    if (t >= now) break;
    const double next_tick = (std::floor((t - options_.trace_start_seconds) / gap) + 1) * gap +
                             options_.trace_start_seconds;
    t = std::min(next_tick, now);
  }
  checked = std::max(checked, now);
}

void SimProvider::RefreshLocked(double now) {
  // Only boots and preemptions that fell due since the last look, in time order.
  while (!due_.empty() && due_.begin()->first <= now) {
    const std::string id = due_.begin()->second;
    due_.erase(due_.begin());
    SimInstanceState& sim = state_.instances.at(id);
    Instance& inst = sim.instance;
    if (!IsLive(inst)) continue;
    if (sim.preempt_at >= 0 && now >= sim.preempt_at) {
      StopLocked(sim, TerminationReason::kPreempted, sim.preempt_at);
    } else if (inst.state == InstanceState::kPending &&
               now >= inst.launched_at_seconds + options_.boot_seconds) {
      inst.state = InstanceState::kRunning;
      dirty_ = true;
    }
  }
  for (const auto& [location, trace] : options_.traces) ApplyTraceLocked(location, trace, now);
}

Result<std::vector<Instance>> SimProvider::Describe(const std::vector<std::string>& ids) {
  const double now = clock_.NowSeconds();
  if (SimFault fault = faults_->Next(now, false); fault != SimFault::kNone) {
    return faults_->Fail(fault, "describe", false);
  }
  MutexLock lock(mu_);
  RefreshLocked(now);
  SKY_RETURN_IF_ERROR(FlushLocked());
  std::vector<Instance> out;
  for (const auto& id : ids) {
    auto it = state_.instances.find(id);
    if (it == state_.instances.end()) return Status::NotFound("no instance " + id);
    out.push_back(ViewLocked(it->second, now));
  }
  return out;
}

Result<std::vector<Instance>> SimProvider::ListByTag(const std::string& key,
                                                     const std::string& value) {
  const double now = clock_.NowSeconds();
  if (SimFault fault = faults_->Next(now, false); fault != SimFault::kNone) {
    return faults_->Fail(fault, "list_by_tag", false);
  }
  MutexLock lock(mu_);
  RefreshLocked(now);
  SKY_RETURN_IF_ERROR(FlushLocked());
  std::vector<Instance> out;
  for (const auto& [id, sim] : state_.instances) {
    auto tag = sim.instance.tags.find(key);
    if (tag != sim.instance.tags.end() && tag->second == value) out.push_back(ViewLocked(sim, now));
  }
  return out;
}

Status SimProvider::Terminate(const std::string& id) {
  const double now = clock_.NowSeconds();
  const SimFault fault = faults_->Next(now, true);
  if (fault != SimFault::kNone && fault != SimFault::kTimeoutAfter) {
    return faults_->Fail(fault, "terminate", true);
  }
  Status status = TerminateAndStore(id, now);
  if (fault == SimFault::kTimeoutAfter) return faults_->Fail(fault, "terminate", true);
  return status;
}

Status SimProvider::TerminateAndStore(const std::string& id, double now) {
  MutexLock lock(mu_);
  RefreshLocked(now);
  auto it = state_.instances.find(id);
  if (it != state_.instances.end() && IsLive(it->second.instance)) {
    StopLocked(it->second, TerminationReason::kUser, now);
  }
  SKY_RETURN_IF_ERROR(FlushLocked());
  if (it == state_.instances.end()) return Status::NotFound("no instance " + id);
  return Status::Ok();
}

SimStats SimProvider::stats() const {
  MutexLock lock(mu_);
  SimStats s = state_.stats;
  s.live = live_;
  s.duplicate_attempts = CountDuplicateAttempts(state_.instances);
  faults_->AddTo(s);
  return s;
}

std::vector<Instance> SimProvider::AllInstances() const {
  const double now = clock_.NowSeconds();
  MutexLock lock(mu_);
  std::vector<Instance> out;
  out.reserve(state_.instances.size());
  for (const auto& [id, sim] : state_.instances) out.push_back(ViewLocked(sim, now));
  return out;
}

}  // namespace sky::providers
