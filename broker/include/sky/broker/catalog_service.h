#pragma once
// CatalogService: the broker's live view of the offer catalog. It owns the durable store and
// an immutable in-memory index that is rebuilt after each ingest and swapped in atomically.
// Thread-safe: queries run concurrently with each other and with an ingest.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/catalog/offer_index.h"
#include "sky/catalog/offer_store.h"
#include "sky/providers/aws/spot_price.h"
#include "sky/types/clock.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::broker {

class CatalogService {
 public:
  // Opens the store at `db_path` (":memory:" for none on disk) and indexes what it holds.
  // `wall_clock` (Unix time) stamps provider offers that carry no time of their own; it must
  // outlive the service. Default: a sky::WallClock. Errors: those of OfferStore::Open and
  // LoadOffers.
  static Result<std::unique_ptr<CatalogService>> Open(const std::string& db_path,
                                                      const Clock* wall_clock = nullptr);

  // Reads `paths` (files, directories, provider=PATH) and applies them in one transaction.
  // Errors: NotFound / InvalidArgument from the readers (nothing is applied), store errors.
  Result<catalog::IngestSummary> Ingest(const std::vector<std::string>& paths,
                                        const catalog::ParseOptions& options);

  // Applies what provider `provider_name` reported (Provider::ListOffers, with availability,
  // and for AWS the spot price history) as one batch, source "provider:<name>", in one
  // transaction, then reindexes. An offer keeps its own observed_at (normalised to UTC) and
  // source when it has them, else gets `observed_at` (empty: now, ISO 8601 UTC) and the batch
  // source; an offer without an id gets MakeOfferId's. Each Linux/UNIX spot point with a
  // price above 0 becomes a PricePoint of the offer id the spot TSV reader builds
  // ("aws:<region>:<AZ id>/<type>/spot", the region from the AZ id); points of offers neither
  // in `offers` nor in the catalog are skipped (counted in rows_read only). Offers the
  // provider no longer reports stay as they are. Errors: the store's (nothing is applied).
  Result<catalog::IngestSummary> ApplyProviderOffers(
      const std::string& provider_name, std::vector<Offer> offers,
      const std::vector<providers::aws::SpotPricePoint>& spot_price_points,
      const std::string& observed_at = "");

  // The current index. Shared ownership: a query keeps the snapshot it started with alive
  // while an ingest swaps in a new one.
  std::shared_ptr<const catalog::OfferIndex> Snapshot() const;

  // Price history of one offer; NotFound for an unknown id.
  Result<std::vector<catalog::PricePoint>> History(const OfferId& id, const std::string& from,
                                                   const std::string& to) const;

  // Accelerator names of the catalog, then those of `bundled_names` not already present.
  std::vector<std::string> AcceleratorVocabulary(
      const std::vector<std::string>& bundled_names) const;

 private:
  CatalogService(std::unique_ptr<catalog::OfferStore> store, const Clock& wall_clock);
  Status Reindex();

  std::unique_ptr<catalog::OfferStore> store_;  // internally synchronised
  const Clock& wall_clock_;
  std::mutex ingest_mu_;                        // one ingest at a time
  mutable std::mutex mu_;
  std::shared_ptr<const catalog::OfferIndex> index_;  // guarded by mu_
};

}  // namespace sky::broker
