#pragma once
// The SQLite implementation of OfferStore (DESIGN.md, "Storage"): tables `offers` (one row per
// current offer) and `price_history` (one row per observed price), their migrations
// (catalog/migrations.h) and queries, on sky::storage (WAL, synchronous=NORMAL, foreign keys on,
// cached prepared statements).
// Thread-safe: one mutex serialises every call on the connection.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sky/catalog/offer_store.h"
#include "sky/storage/database.h"
#include "sky/types/mutex.h"

namespace sky::catalog {

class SqliteOfferStore final : public OfferStore {
 public:
  // See OfferStore::Open.
  static Result<std::unique_ptr<SqliteOfferStore>> Open(const std::string& path);

  Result<IngestSummary> Apply(const std::vector<IngestBatch>& batches) SKY_EXCLUDES(mu_) override;
  Result<std::vector<Offer>> LoadOffers() const SKY_EXCLUDES(mu_) override;
  Result<std::vector<PricePoint>> PriceHistory(const OfferId& id, const std::string& from,
                                               const std::string& to) const
      SKY_EXCLUDES(mu_) override;
  Result<int64_t> CountOffers() const SKY_EXCLUDES(mu_) override;

 private:
  explicit SqliteOfferStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {}

  // REQUIRES: a transaction open.
  Status ApplyBatches(const std::vector<IngestBatch>& batches, IngestSummary& summary)
      SKY_REQUIRES(mu_);
  Status UpsertOffer(const Offer& offer, IngestSummary& summary) SKY_REQUIRES(mu_);
  Result<std::optional<Offer>> ReadOffer(const OfferId& id) SKY_REQUIRES(mu_);
  Status WriteOffer(const Offer& offer) SKY_REQUIRES(mu_);
  Status RecordCurrentPrice(const Offer& offer, IngestSummary& summary) SKY_REQUIRES(mu_);
  Status InsertPricePoint(const PricePoint& point, IngestSummary& summary) SKY_REQUIRES(mu_);

  mutable Mutex mu_;
  std::unique_ptr<storage::Database> db_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::catalog
