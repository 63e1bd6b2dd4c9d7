#pragma once
// In-memory index over offers for fast queries (no table scan per query): offers are bucketed
// by lower-cased accelerator name, each bucket pre-sorted by price (ties by id). Immutable after
// construction; safe to query from many threads at once.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::catalog {

enum class SortKey { kPrice, kPricePerAccelerator, kAcceleratorMemory };
enum class GroupBy { kNone, kProvider, kRegion, kAccelerator };

// Where an offer sorts, for keyset (cursor) pagination: a query `after` a position answers only
// what sorts after it under the query's sort key (ties by price, then id). Pages then have no
// duplicates and no gaps for the same query, even when offers before the cursor change.
struct OfferPosition {
  Money price_per_hour = 0;
  int accelerator_count = 0;
  double accelerator_memory_gb = 0;
  OfferId id;
};

// The position of `offer`.
OfferPosition PositionOf(const Offer& offer);

struct OfferQuery {
  std::string accelerator;      // canonical name, case-insensitive; empty: any (CPU included)
  std::optional<int> count;     // accelerators per instance
  bool count_at_least = false;  // "H100:8+"
  bool cpu_only = false;        // only offers without accelerators
  double min_accelerator_memory_gb = 0;
  double min_vcpus = 0;
  double min_memory_gb = 0;
  std::vector<std::string> providers;  // empty: all
  std::string region_glob;             // matches region, or "provider:region" with ':'
  std::optional<Market> market;
  std::optional<Money> max_price_per_hour;
  std::optional<Money> max_price_per_accelerator_hour;
  SortKey sort = SortKey::kPrice;
  GroupBy group_by = GroupBy::kNone;   // keep the cheapest (by `sort`) of each group
  std::optional<OfferPosition> after;  // only answers sorting after this (cursor pagination)
  size_t limit = 0;                    // 0: no limit
  size_t offset = 0;                   // skip this many results (after `after`)
};

// One row of a grouped answer: the group, how many matching offers it has, and its best.
struct OfferGroup {
  std::string key;  // provider, "provider:region", accelerator name ("" for CPU), or offer id
  size_t count = 0;
  const Offer* best = nullptr;  // owned by the index
};

// Parses "H100", "H100:8" or "H100:8+" into the query's accelerator fields.
// InvalidArgument for an empty name or a count that is not a positive integer.
Status ParseGpuFilter(std::string_view text, OfferQuery& query);

struct AcceleratorSummary {
  std::string name;
  std::vector<int> counts;  // distinct counts per instance, ascending
  std::optional<Money> cheapest_on_demand_per_accelerator_hour;
  std::optional<Money> cheapest_spot_per_accelerator_hour;
  size_t offers = 0;
};

class OfferIndex {
 public:
  explicit OfferIndex(std::vector<Offer> offers);

  // Offers matching `query`, sorted and limited as it asks. Pointers stay valid for the
  // index's lifetime.
  std::vector<const Offer*> Query(const OfferQuery& query) const;
  // Number of offers (groups, when grouped) matching `query`, ignoring after, offset and limit.
  size_t Count(const OfferQuery& query) const;
  // The answer of Query(query) as groups, each with its count of matching offers (before
  // after, offset and limit). Without group_by every offer is its own group of one.
  std::vector<OfferGroup> Groups(const OfferQuery& query) const;

  // Every accelerator with its counts and cheapest prices, by name.
  std::vector<AcceleratorSummary> Accelerators() const;

  // nullptr when no offer has this id.
  const Offer* Find(const OfferId& id) const;

  const std::vector<Offer>& offers() const { return offers_; }

 private:
  // The bucket a query walks (every offer when it names no accelerator); nullptr: none.
  const std::vector<size_t>* Candidates(const OfferQuery& query) const;
  // Indices of matching offers in answer order, grouped as asked; stops once `want` are found
  // when the bucket order is already the answer order.
  std::vector<size_t> Select(const OfferQuery& query, size_t want) const;

  std::vector<Offer> offers_;
  // lower-cased accelerator name ("" for CPU) -> offer indices sorted by price per hour, id.
  std::unordered_map<std::string, std::vector<size_t>> by_accelerator_;
  // Every offer index, sorted the same way.
  std::vector<size_t> by_price_;
  std::unordered_map<OfferId, size_t> by_id_;
};

}  // namespace sky::catalog
