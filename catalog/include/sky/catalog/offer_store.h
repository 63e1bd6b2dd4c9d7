#pragma once
// The durable offer catalog: current offers and their price history, in SQLite (WAL,
// numbered migrations, prepared statements). Thread-safe: one mutex serialises access.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::catalog {

struct IngestSummary {
  int64_t rows_read = 0;
  int64_t offers_added = 0;
  int64_t offers_updated = 0;  // price or attributes changed
  int64_t offers_unchanged = 0;
  int64_t price_points_added = 0;
  std::vector<RejectedRow> rejected;
};

class OfferStore {
 public:
  // Opens (creating and migrating) the database at `path`; ":memory:" for an in-memory one.
  // Returns Unavailable when the file cannot be opened, FailedPrecondition when its schema is
  // newer than this build.
  static Result<std::unique_ptr<OfferStore>> Open(const std::string& path);

  virtual ~OfferStore() = default;

  // Applies batches in ONE transaction: upserts offers, appends a price point for every
  // new or changed price (an unchanged price adds nothing). On any error nothing changes.
  virtual Result<IngestSummary> Apply(const std::vector<IngestBatch>& batches) = 0;

  // Every current offer.
  virtual Result<std::vector<Offer>> LoadOffers() const = 0;

  // Price points of one offer with from <= observed_at <= to (ISO 8601; empty = open),
  // oldest first. NotFound when the offer id is unknown.
  virtual Result<std::vector<PricePoint>> PriceHistory(const OfferId& id, const std::string& from,
                                                       const std::string& to) const = 0;

  virtual Result<int64_t> CountOffers() const = 0;
};

}  // namespace sky::catalog
