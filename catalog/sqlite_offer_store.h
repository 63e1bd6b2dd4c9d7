#pragma once
// The SQLite implementation of OfferStore (DESIGN.md, "Storage"): tables `offers` (one row per
// current offer) and `price_history` (one row per observed price), WAL journal,
// synchronous=NORMAL, foreign keys on, numbered migrations, cached prepared statements.
// Thread-safe: one mutex serialises every call on the connection.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite_db.h"
#include "sky/catalog/offer_store.h"

namespace sky::catalog {

class SqliteOfferStore final : public OfferStore {
 public:
  // See OfferStore::Open.
  static Result<std::unique_ptr<SqliteOfferStore>> Open(const std::string& path);

  Result<IngestSummary> Apply(const std::vector<IngestBatch>& batches) override;
  Result<std::vector<Offer>> LoadOffers() const override;
  Result<std::vector<PricePoint>> PriceHistory(const OfferId& id, const std::string& from,
                                               const std::string& to) const override;
  Result<int64_t> CountOffers() const override;

 private:
  explicit SqliteOfferStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  // REQUIRES: mu_ held and a transaction open.
  Status ApplyBatches(const std::vector<IngestBatch>& batches, IngestSummary& summary);
  Status UpsertOffer(const Offer& offer, IngestSummary& summary);
  Result<std::optional<Offer>> ReadOffer(const OfferId& id);
  Status WriteOffer(const Offer& offer);
  Status RecordCurrentPrice(const Offer& offer, IngestSummary& summary);
  Status InsertPricePoint(const PricePoint& point, IngestSummary& summary);

  mutable std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;  // guarded by mu_
};

}  // namespace sky::catalog
