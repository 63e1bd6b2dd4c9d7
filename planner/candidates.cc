#include "planner/candidates.h"

#include <algorithm>
#include <array>

#include "sky/types/glob.h"

namespace sky::planner {
namespace {

// The filters in the order they are applied; the first one that leaves a stage without
// offers is the reason reported.
enum class Filter { kResources, kProviders, kRegions, kMarkets, kStageRegions, kExcluded, kCount };

bool MatchesAnyGlob(const std::vector<std::string>& globs, const Offer& offer) {
  if (globs.empty()) return true;
  for (const std::string& g : globs) {
    const bool whole_id = g.find(':') != std::string::npos;
    if (GlobMatch(g, whole_id ? offer.region_id() : offer.region)) return true;
  }
  return false;
}

bool ProviderAllowed(const std::vector<std::string>& providers, const Offer& offer) {
  if (providers.empty()) return true;
  const std::string p = AsciiLower(offer.provider);
  return std::any_of(providers.begin(), providers.end(),
                     [&](const std::string& q) { return AsciiLower(q) == p; });
}

bool MarketAllowed(const std::vector<Market>& markets, Market market) {
  if (markets.empty()) return market == Market::kOnDemand || market == Market::kSpot;
  return std::find(markets.begin(), markets.end(), market) != markets.end();
}

// SatisfiesResources without allocating on the common mismatch (a hot loop over every offer).
bool HasResources(const StageSpec& stage, const Offer& offer) {
  const Resources& res = stage.resources;
  if (res.accelerators.empty()) {
    return offer.accelerator.empty() && offer.accelerator_count == 0 && offer.vcpus >= res.cpus &&
           offer.memory_gb >= res.memory_gb;
  }
  bool count_ok = false;
  for (const auto& entry : res.accelerators) count_ok |= entry.second == offer.accelerator_count;
  return count_ok && SatisfiesResources(stage, offer);
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

std::string DescribeResources(const StageSpec& stage) {
  std::string text;
  for (const auto& [name, count] : stage.resources.accelerators) {
    text += (text.empty() ? "" : " or ") + std::to_string(count) + "x " + name;
  }
  if (text.empty()) text = "no accelerator";
  if (stage.resources.cpus > 0) text += ", >= " + std::to_string(stage.resources.cpus) + " vCPUs";
  if (stage.resources.memory_gb > 0) {
    text += ", >= " + std::to_string(stage.resources.memory_gb) + " GB memory";
  }
  if (!stage.runtime_by_accelerator.empty()) text += " and a runtime for its accelerator";
  return text;
}

std::string EmptyReason(const PipelineSpec& spec, const StageSpec& stage, Filter filter,
                        int survivors) {
  const std::string head = "stage \"" + stage.name + "\" has no candidate: ";
  const std::string all = "the " + std::to_string(survivors) + " offers with its resources are ";
  std::vector<std::string> markets;
  for (Market m : spec.constraints.markets) markets.emplace_back(MarketName(m));
  auto sr = spec.constraints.stage_regions.find(stage.name);
  switch (filter) {
    case Filter::kResources:
      return head + "no on-demand or spot offer satisfies its resources (" +
             DescribeResources(stage) + ")";
    case Filter::kProviders:
      return head + all + "all outside the providers constraint " +
             JoinList(spec.constraints.providers);
    case Filter::kRegions:
      return head + all + "all outside the regions constraint " +
             JoinList(spec.constraints.regions);
    case Filter::kMarkets:
      return head + all + "all outside the markets constraint " + JoinList(markets);
    case Filter::kStageRegions:
      return head + all + "all outside its stage_regions " +
             JoinList(sr == spec.constraints.stage_regions.end() ? std::vector<std::string>{}
                                                                 : sr->second);
    default:
      return head + all + "all excluded (blocked offers or locations)";
  }
}

// Applies the filters in order; returns the first that rejects `offer`, or kCount.
Filter FirstFailingFilter(const PipelineSpec& spec, const StageSpec& stage, const Offer& offer,
                          const PlannerOptions& options, bool skip_markets) {
  if (!HasResources(stage, offer) || !CostModel::RuntimeHours(stage, offer.accelerator)) {
    return Filter::kResources;
  }
  if (!ProviderAllowed(spec.constraints.providers, offer)) return Filter::kProviders;
  if (!MatchesAnyGlob(spec.constraints.regions, offer)) return Filter::kRegions;
  if (!skip_markets && !MarketAllowed(spec.constraints.markets, offer.market)) {
    return Filter::kMarkets;
  }
  auto sr = spec.constraints.stage_regions.find(stage.name);
  if (sr != spec.constraints.stage_regions.end() && !MatchesAnyGlob(sr->second, offer)) {
    return Filter::kStageRegions;
  }
  if (IsExcluded(offer, options.excluded)) return Filter::kExcluded;
  return Filter::kCount;
}

Candidate MakeCandidate(const StageSpec& stage, const Offer& offer, int reservation,
                        const CostModel& cost_model) {
  Candidate c;
  c.offer = &offer;
  c.reservation = reservation;
  c.location = offer.region_id();
  const double runtime = CostModel::RuntimeHours(stage, offer.accelerator).value_or(0.0);
  c.cost = cost_model.Evaluate(stage, offer, runtime, reservation >= 0);
  return c;
}

// The reservation's candidate for `stage`: the on-demand offer (smallest id) of its provider,
// region and instance type that passes every filter but markets (held capacity is not bought).
void AddReservationCandidates(const PipelineSpec& spec, const StageSpec& stage,
                              const std::vector<Offer>& offers, const PlannerOptions& options,
                              const CostModel& cost_model, StageCandidates& out) {
  for (size_t r = 0; r < spec.reservations.size(); ++r) {
    const Reservation& res = spec.reservations[r];
    if (res.count <= 0) continue;
    const Offer* best = nullptr;
    for (const Offer& o : offers) {
      if (o.market != Market::kOnDemand || AsciiLower(o.provider) != AsciiLower(res.provider) ||
          o.region != res.region || o.instance_type != res.instance_type) {
        continue;
      }
      if (FirstFailingFilter(spec, stage, o, options, true) != Filter::kCount) continue;
      if (best == nullptr || o.id < best->id) best = &o;
    }
    if (best != nullptr) {
      out.candidates.push_back(MakeCandidate(stage, *best, static_cast<int>(r), cost_model));
    }
  }
}

StageCandidates StageCandidatesFor(const PipelineSpec& spec, const StageSpec& stage,
                                   const std::vector<Offer>& offers, const PlannerOptions& options,
                                   const CostModel& cost_model) {
  StageCandidates out;
  // passed[f]: offers that got past filter f.
  std::array<int, static_cast<size_t>(Filter::kCount)> passed{};
  for (const Offer& offer : offers) {
    if (offer.market == Market::kReserved) continue;
    const Filter failed = FirstFailingFilter(spec, stage, offer, options, false);
    for (int f = 0; f < static_cast<int>(failed); ++f) ++passed[f];
    if (failed == Filter::kCount)
      out.candidates.push_back(MakeCandidate(stage, offer, -1, cost_model));
  }
  AddReservationCandidates(spec, stage, offers, options, cost_model, out);
  if (!out.candidates.empty()) return out;
  int survivors = 0;
  for (int f = 0; f < static_cast<int>(Filter::kCount); ++f) {
    if (passed[f] == 0) {
      out.empty_reason = EmptyReason(spec, stage, static_cast<Filter>(f), survivors);
      break;
    }
    if (f == 0) survivors = passed[f];
  }
  return out;
}

}  // namespace

bool SatisfiesResources(const StageSpec& stage, const Offer& offer) {
  const Resources& res = stage.resources;
  if (offer.vcpus < res.cpus || offer.memory_gb < res.memory_gb) return false;
  if (res.accelerators.empty()) return offer.accelerator.empty() && offer.accelerator_count == 0;
  const std::string have = AsciiLower(offer.accelerator);
  for (const auto& [name, count] : res.accelerators) {
    if (AsciiLower(name) == have && offer.accelerator_count == count) return true;
  }
  return false;
}

bool IsExcluded(const Offer& offer, const std::vector<std::string>& excluded) {
  if (excluded.empty()) return false;
  const RegionId region = offer.region_id();
  const RegionId zone = offer.location_id();
  const std::string_view market = MarketName(offer.market);
  return std::any_of(excluded.begin(), excluded.end(), [&](const std::string& e) {
    // "<key>#<market>" excludes only that market's offers at the key.
    std::string_view key = e;
    const size_t hash = key.find('#');
    if (hash != std::string_view::npos) {
      if (key.substr(hash + 1) != market) return false;
      key = key.substr(0, hash);
    }
    return key == offer.id || key == region || (!offer.zone.empty() && key == zone);
  });
}

CandidateSet GenerateCandidates(const PipelineSpec& spec, const std::vector<Offer>& offers,
                                const PlannerOptions& options, const CostModel& cost_model) {
  CandidateSet set;
  for (const Reservation& r : spec.reservations) set.reservation_counts.push_back(r.count);
  for (const StageSpec& stage : spec.stages) {
    set.stages.push_back(StageCandidatesFor(spec, stage, offers, options, cost_model));
    set.generated += static_cast<int>(set.stages.back().candidates.size());
  }
  return set;
}

namespace {

// The place a candidate is compared within: its zone for spot, its region otherwise.
const std::string& PlaceZone(const Candidate& c) {
  static const std::string kNone;
  return c.offer->market == Market::kSpot ? c.offer->zone : kNone;
}

// Orders by (reservation, place, cost, duration, id) without building strings.
bool PruneOrder(const Candidate& a, const Candidate& b) {
  if (a.reservation != b.reservation) return a.reservation < b.reservation;
  if (int r = a.location.compare(b.location)) return r < 0;
  if (int z = PlaceZone(a).compare(PlaceZone(b))) return z < 0;
  if (a.cost.expected_cost != b.cost.expected_cost) {
    return a.cost.expected_cost < b.cost.expected_cost;
  }
  if (a.cost.scheduled_hours != b.cost.scheduled_hours) {
    return a.cost.scheduled_hours < b.cost.scheduled_hours;
  }
  return a.offer->id < b.offer->id;
}

bool SamePlace(const Candidate& a, const Candidate& b) {
  return a.reservation == b.reservation && a.location == b.location && PlaceZone(a) == PlaceZone(b);
}

}  // namespace

int PruneDominated(CandidateSet& set) {
  int removed = 0;
  for (StageCandidates& stage : set.stages) {
    std::vector<Candidate>& cands = stage.candidates;
    // Sorted by place then (cost, duration, id), a candidate survives only when it is strictly
    // faster than every cheaper-or-equal one before it in its place.
    std::sort(cands.begin(), cands.end(), PruneOrder);
    std::vector<Candidate> kept;
    for (Candidate& c : cands) {
      if (c.reservation < 0 && !kept.empty() && SamePlace(kept.back(), c) &&
          c.cost.scheduled_hours >= kept.back().cost.scheduled_hours) {
        ++removed;
        continue;
      }
      kept.push_back(std::move(c));
    }
    cands = std::move(kept);
  }
  set.pruned += removed;
  return removed;
}

}  // namespace sky::planner
