#include "sky/catalog/offer_index.h"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_set>
#include <utility>

#include "sky/types/glob.h"

namespace sky::catalog {
namespace {

constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

// The parts of a query worth normalising once per call rather than once per offer.
struct Filter {
  explicit Filter(const OfferQuery& query) : q(query) {
    for (const std::string& p : query.providers) providers.push_back(AsciiLower(p));
    colons = std::count(query.region_glob.begin(), query.region_glob.end(), ':');
  }
  const OfferQuery& q;
  std::vector<std::string> providers;
  std::ptrdiff_t colons = 0;
};

bool MatchesRegion(const Filter& f, const Offer& o) {
  if (f.q.region_glob.empty()) return true;
  if (f.colons == 0) return GlobMatch(f.q.region_glob, o.region);
  // "gcp:us-*" names provider:region; a second colon reaches into zones.
  return GlobMatch(f.q.region_glob, f.colons >= 2 ? o.location_id() : o.region_id());
}

bool MatchesShape(const OfferQuery& q, const Offer& o) {
  if (q.cpu_only && (o.accelerator_count > 0 || !o.accelerator.empty())) return false;
  if (q.count) {
    if (q.count_at_least ? o.accelerator_count < *q.count : o.accelerator_count != *q.count) {
      return false;
    }
  }
  if (q.min_accelerator_memory_gb > 0 && o.accelerator_memory_gb < q.min_accelerator_memory_gb) {
    return false;
  }
  return o.vcpus >= q.min_vcpus && o.memory_gb >= q.min_memory_gb;
}

bool Matches(const Filter& f, const Offer& o) {
  const OfferQuery& q = f.q;
  if (!MatchesShape(q, o)) return false;
  if (q.market && o.market != *q.market) return false;
  if (q.max_price_per_hour && o.price_per_hour > *q.max_price_per_hour) return false;
  if (q.max_price_per_accelerator_hour &&
      o.price_per_accelerator_hour() > *q.max_price_per_accelerator_hour) {
    return false;
  }
  if (!f.providers.empty() && std::find(f.providers.begin(), f.providers.end(),
                                        AsciiLower(o.provider)) == f.providers.end()) {
    return false;
  }
  return MatchesRegion(f, o);
}

// Strict weak order of `key`; ties by price, then id, so every answer is deterministic.
bool Before(SortKey key, const Offer& a, const Offer& b) {
  if (key == SortKey::kPricePerAccelerator &&
      a.price_per_accelerator_hour() != b.price_per_accelerator_hour()) {
    return a.price_per_accelerator_hour() < b.price_per_accelerator_hour();
  }
  if (key == SortKey::kAcceleratorMemory && a.accelerator_memory_gb != b.accelerator_memory_gb) {
    return a.accelerator_memory_gb > b.accelerator_memory_gb;
  }
  if (a.price_per_hour != b.price_per_hour) return a.price_per_hour < b.price_per_hour;
  return a.id < b.id;
}

std::string GroupKey(GroupBy group_by, const Offer& o) {
  switch (group_by) {
    case GroupBy::kProvider:
      return o.provider;
    case GroupBy::kRegion:
      return o.region_id();
    case GroupBy::kAccelerator:
      return AsciiLower(o.accelerator);
    case GroupBy::kNone:
      break;
  }
  return o.id;
}

// The name a group shows: the best offer's spelling of its accelerator, not the lower-cased key.
std::string GroupLabel(GroupBy group_by, const Offer& best) {
  return group_by == GroupBy::kAccelerator ? best.accelerator : GroupKey(group_by, best);
}

// An offer standing at `position`, so that Before() compares offers against a cursor.
std::optional<Offer> CursorOffer(const OfferQuery& query) {
  if (!query.after) return std::nullopt;
  Offer o;
  o.price_per_hour = query.after->price_per_hour;
  o.accelerator_count = query.after->accelerator_count;
  o.accelerator_memory_gb = query.after->accelerator_memory_gb;
  o.id = query.after->id;
  return o;
}

// Keeps the first offer of each group, in order.
void KeepFirstOfGroups(const std::vector<Offer>& offers, GroupBy group_by,
                       std::vector<size_t>& picked) {
  std::unordered_set<std::string> seen;
  auto out = picked.begin();
  for (size_t i : picked) {
    if (seen.insert(GroupKey(group_by, offers[i])).second) *out++ = i;
  }
  picked.erase(out, picked.end());
}

}  // namespace

OfferPosition PositionOf(const Offer& offer) {
  return {offer.price_per_hour, offer.accelerator_count, offer.accelerator_memory_gb, offer.id};
}

OfferIndex::OfferIndex(std::vector<Offer> offers) : offers_(std::move(offers)) {
  const auto by_price = [this](size_t a, size_t b) {
    return Before(SortKey::kPrice, offers_[a], offers_[b]);
  };
  by_price_.reserve(offers_.size());
  by_id_.reserve(offers_.size());
  for (size_t i = 0; i < offers_.size(); ++i) {
    by_accelerator_[AsciiLower(offers_[i].accelerator)].push_back(i);
    by_price_.push_back(i);
    by_id_.emplace(offers_[i].id, i);  // the first of duplicate ids wins
  }
  std::sort(by_price_.begin(), by_price_.end(), by_price);
  for (auto& [name, bucket] : by_accelerator_) std::sort(bucket.begin(), bucket.end(), by_price);
}

const std::vector<size_t>* OfferIndex::Candidates(const OfferQuery& query) const {
  if (query.accelerator.empty() && !query.cpu_only) return &by_price_;
  if (!query.accelerator.empty() && query.cpu_only) return nullptr;  // asks for nothing
  auto it = by_accelerator_.find(AsciiLower(query.accelerator));
  return it == by_accelerator_.end() ? nullptr : &it->second;
}

std::vector<size_t> OfferIndex::Select(const OfferQuery& query, size_t want) const {
  std::vector<size_t> picked;
  const std::vector<size_t>* candidates = Candidates(query);
  if (candidates == nullptr || want == 0) return picked;
  const Filter filter(query);
  const std::optional<Offer> cursor = CursorOffer(query);
  // Walking a price-sorted bucket yields the answer in order: stop as soon as it is complete.
  const bool in_order = query.sort == SortKey::kPrice && query.group_by == GroupBy::kNone;
  for (size_t i : *candidates) {
    const Offer& offer = offers_[i];
    if (query.max_price_per_hour && offer.price_per_hour > *query.max_price_per_hour) break;
    if (!Matches(filter, offer)) continue;
    if (in_order && cursor && !Before(SortKey::kPrice, *cursor, offer)) continue;
    picked.push_back(i);
    if (in_order && picked.size() >= want) break;
  }
  if (query.sort != SortKey::kPrice) {
    std::stable_sort(picked.begin(), picked.end(), [&](size_t a, size_t b) {
      return Before(query.sort, offers_[a], offers_[b]);
    });
  }
  if (query.group_by != GroupBy::kNone) KeepFirstOfGroups(offers_, query.group_by, picked);
  // Groups form over every match; only then does the cursor cut off what came before it.
  if (!in_order && cursor) {
    picked.erase(std::remove_if(picked.begin(), picked.end(),
                                [&](size_t i) { return !Before(query.sort, *cursor, offers_[i]); }),
                 picked.end());
  }
  return picked;
}

std::vector<const Offer*> OfferIndex::Query(const OfferQuery& query) const {
  size_t want = kNoLimit;
  if (query.limit > 0)
    want = query.offset > kNoLimit - query.limit ? kNoLimit : query.offset + query.limit;
  const std::vector<size_t> picked = Select(query, want);
  std::vector<const Offer*> out;
  for (size_t k = query.offset; k < picked.size() && out.size() < want - query.offset; ++k) {
    out.push_back(&offers_[picked[k]]);
  }
  return out;
}

size_t OfferIndex::Count(const OfferQuery& query) const {
  OfferQuery every = query;
  every.after.reset();
  return Select(every, kNoLimit).size();
}

std::vector<OfferGroup> OfferIndex::Groups(const OfferQuery& query) const {
  std::vector<OfferGroup> out;
  if (query.group_by == GroupBy::kNone) {  // every offer its own group: no counting pass
    for (const Offer* o : Query(query)) out.push_back({o->id, 1, o});
    return out;
  }
  OfferQuery every = query;
  every.group_by = GroupBy::kNone;
  every.after.reset();
  std::unordered_map<std::string, size_t> counts;
  for (size_t i : Select(every, kNoLimit)) ++counts[GroupKey(query.group_by, offers_[i])];
  for (const Offer* best : Query(query)) {
    out.push_back(
        {GroupLabel(query.group_by, *best), counts[GroupKey(query.group_by, *best)], best});
  }
  return out;
}

std::vector<AcceleratorSummary> OfferIndex::Accelerators() const {
  std::vector<AcceleratorSummary> out;
  for (const auto& [name, bucket] : by_accelerator_) {
    if (name.empty()) continue;  // CPU offers
    AcceleratorSummary summary;
    summary.name = offers_[bucket.front()].accelerator;  // spelling of the cheapest offer
    summary.offers = bucket.size();
    std::set<int> counts;
    for (size_t i : bucket) {
      const Offer& o = offers_[i];
      counts.insert(o.accelerator_count);
      std::optional<Money>* cheapest = nullptr;
      if (o.market == Market::kOnDemand)
        cheapest = &summary.cheapest_on_demand_per_accelerator_hour;
      if (o.market == Market::kSpot) cheapest = &summary.cheapest_spot_per_accelerator_hour;
      if (cheapest && (!*cheapest || o.price_per_accelerator_hour() < **cheapest)) {
        *cheapest = o.price_per_accelerator_hour();
      }
    }
    summary.counts.assign(counts.begin(), counts.end());
    out.push_back(std::move(summary));
  }
  std::sort(out.begin(), out.end(), [](const AcceleratorSummary& a, const AcceleratorSummary& b) {
    return AsciiLower(a.name) < AsciiLower(b.name);
  });
  return out;
}

const Offer* OfferIndex::Find(const OfferId& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &offers_[it->second];
}

}  // namespace sky::catalog
