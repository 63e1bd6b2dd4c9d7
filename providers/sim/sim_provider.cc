#include "sky/providers/sim_provider.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sky::providers {
namespace {

bool IsLive(const Instance& i) { return i.state != InstanceState::kTerminated; }

std::string MakeId(int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "sim-%08lld", static_cast<long long>(n));
  return buf;
}

}  // namespace

SimProvider::SimProvider(std::vector<Offer> offers, const Clock& clock, SimOptions options)
    : clock_(clock), options_(std::move(options)), rng_(options_.seed) {
  for (auto& offer : offers) {
    OfferId id = offer.id;
    offers_.emplace(std::move(id), std::move(offer));
  }
}

Result<std::vector<Offer>> SimProvider::ListOffers() {
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
  int n = 0;
  for (const auto& [id, sim] : instances_) {
    n += sim.location == location && sim.instance.market == Market::kSpot && IsLive(sim.instance);
  }
  return n;
}

Status SimProvider::CheckCapacityLocked(const Offer& offer, double now) {
  if (offer.market == Market::kSpot) {
    if (const SpotTrace* trace = TraceFor(offer)) {
      const int available = trace->AvailableAt(now - options_.trace_start_seconds);
      if (LiveSpotAt(offer.location_id()) >= available) {
        ++stats_.capacity_refusals;
        return Status::ResourceExhausted("no spot capacity for " + offer.instance_type + " in " +
                                         offer.location_id());
      }
    }
  }
  if (offer.available) {
    int live = 0;
    for (const auto& [id, sim] : instances_) {
      live += sim.instance.offer_id == offer.id && IsLive(sim.instance);
    }
    if (live >= *offer.available) {
      ++stats_.capacity_refusals;
      return Status::ResourceExhausted("no capacity for " + offer.id);
    }
  }
  return Status::Ok();
}

Result<Instance> SimProvider::Launch(const LaunchRequest& request) {
  const double now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked(now);
  if (!request.idempotency_key.empty()) {
    auto it = by_key_.find(request.idempotency_key);
    if (it != by_key_.end()) {
      ++stats_.idempotent_replays;
      return instances_.at(it->second).instance;
    }
  }
  auto offer_it = offers_.find(request.offer.id);
  if (offer_it == offers_.end()) return Status::NotFound("sim serves no offer " + request.offer.id);
  const Offer& offer = offer_it->second;
  SKY_RETURN_IF_ERROR(CheckCapacityLocked(offer, now));
  SimInstance sim;
  Instance& inst = sim.instance;
  inst.id = MakeId(next_id_++);
  inst.offer_id = offer.id;
  inst.provider = offer.provider;
  inst.region = offer.region;
  inst.zone = offer.zone;
  inst.instance_type = offer.instance_type;
  inst.market = offer.market;
  inst.tags = request.tags;
  inst.private_ip = "10.0." + std::to_string((next_id_ / 250) % 250) + "." +
                    std::to_string(next_id_ % 250 + 1);
  inst.launched_at_seconds = now;
  sim.location = offer.location_id();
  if (offer.market == Market::kSpot && !TraceFor(offer) &&
      options_.spot_preemption_rate_per_hour > 0) {
    std::exponential_distribution<double> hours(options_.spot_preemption_rate_per_hour);
    sim.preempt_at = now + hours(rng_) * 3600.0;
  }
  if (!request.idempotency_key.empty()) by_key_[request.idempotency_key] = inst.id;
  ++stats_.launches;
  Instance copy = inst;
  instances_.emplace(copy.id, std::move(sim));
  return copy;
}

void SimProvider::ApplyTraceLocked(const std::string& location, const SpotTrace& trace,
                                   double now) {
  // Walk every tick since the last look, so that a dip between two calls still preempts.
  double& checked = trace_checked_until_[location];
  const double gap = trace.gap_seconds;
  double t = std::max(checked, options_.trace_start_seconds);
  while (true) {
    const int available = trace.AvailableAt(t - options_.trace_start_seconds);
    std::vector<SimInstance*> live;
    for (auto& [id, sim] : instances_) {
      if (sim.location == location && sim.instance.market == Market::kSpot &&
          IsLive(sim.instance) && sim.instance.launched_at_seconds <= t) {
        live.push_back(&sim);
      }
    }
    // Newest first: ids grow with launch order.
    for (int i = static_cast<int>(live.size()) - 1; i >= available; --i) {
      live[i]->instance.state = InstanceState::kTerminated;
      live[i]->instance.reason = TerminationReason::kPreempted;
      ++stats_.preemptions;
    }
    if (t >= now) break;
    const double next_tick = (std::floor((t - options_.trace_start_seconds) / gap) + 1) * gap +
                             options_.trace_start_seconds;
    t = std::min(next_tick, now);
  }
  checked = now;
}

void SimProvider::RefreshLocked(double now) {
  for (auto& [id, sim] : instances_) {
    Instance& inst = sim.instance;
    if (!IsLive(inst)) continue;
    if (sim.preempt_at >= 0 && now >= sim.preempt_at) {
      inst.state = InstanceState::kTerminated;
      inst.reason = TerminationReason::kPreempted;
      ++stats_.preemptions;
    } else if (inst.state == InstanceState::kPending &&
               now >= inst.launched_at_seconds + options_.boot_seconds) {
      inst.state = InstanceState::kRunning;
    }
  }
  for (const auto& [location, trace] : options_.traces) ApplyTraceLocked(location, trace, now);
}

Result<std::vector<Instance>> SimProvider::Describe(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked(clock_.NowSeconds());
  std::vector<Instance> out;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Status::NotFound("no instance " + id);
    out.push_back(it->second.instance);
  }
  return out;
}

Result<std::vector<Instance>> SimProvider::ListByTag(const std::string& key,
                                                     const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked(clock_.NowSeconds());
  std::vector<Instance> out;
  for (const auto& [id, sim] : instances_) {
    auto tag = sim.instance.tags.find(key);
    if (tag != sim.instance.tags.end() && tag->second == value) out.push_back(sim.instance);
  }
  return out;
}

Status SimProvider::Terminate(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  RefreshLocked(clock_.NowSeconds());
  auto it = instances_.find(id);
  if (it == instances_.end()) return Status::NotFound("no instance " + id);
  Instance& inst = it->second.instance;
  if (IsLive(inst)) {
    inst.state = InstanceState::kTerminated;
    inst.reason = TerminationReason::kUser;
  }
  return Status::Ok();
}

SimStats SimProvider::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SimStats s = stats_;
  s.live = 0;
  for (const auto& [id, sim] : instances_) s.live += IsLive(sim.instance);
  return s;
}

}  // namespace sky::providers
