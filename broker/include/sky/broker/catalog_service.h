#pragma once
// CatalogService: the broker's live view of the offer catalog. It owns the durable store and
// an immutable in-memory index that is rebuilt after each ingest and swapped in atomically.
// Thread-safe: queries run concurrently with each other and with an ingest.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/catalog/offer_index.h"
#include "sky/catalog/offer_store.h"
#include "sky/types/clock.h"
#include "sky/types/mutex.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::broker {

// One spot price from a provider's price history: the spot offer of `instance_type` in `zone`
// of `region` cost `price_per_hour` from `at_seconds` on. The caller translates its provider's
// own form (the API does it for EC2's DescribeSpotPriceHistory).
struct SpotPriceObservation {
  std::string region;         // "us-east-1"
  std::string zone;           // as the catalog names the provider's zones ("use1-az6" for AWS)
  std::string instance_type;  // "p3.2xlarge"
  double price_per_hour = 0;  // USD
  double at_seconds = 0;      // seconds since the Unix epoch
};

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
                                        const catalog::ParseOptions& options)
      SKY_EXCLUDES(ingest_mu_, mu_);

  // Applies what provider `provider_name` reported (Provider::ListOffers, with availability,
  // and its spot price history when it has one) as one batch, source "provider:<name>", in one
  // transaction, then reindexes. An offer keeps its own observed_at (normalised to UTC) and
  // source when it has them, else gets `observed_at` (empty: now, ISO 8601 UTC) and the batch
  // source; an offer without an id gets MakeOfferId's. Each spot price above 0 with a region
  // and a zone becomes a PricePoint of the spot offer's id ("<provider>:<region>:<zone>/<type>/
  // spot", as the catalog's readers build it); prices of offers neither in `offers` nor in
  // the catalog are skipped (counted in rows_read only). Offers the provider no longer reports
  // stay as they are. Errors: the store's (nothing is applied).
  Result<catalog::IngestSummary> ApplyProviderOffers(
      const std::string& provider_name, std::vector<Offer> offers,
      const std::vector<SpotPriceObservation>& spot_prices, const std::string& observed_at = "")
      SKY_EXCLUDES(ingest_mu_, mu_);

  // The current index. Shared ownership: a query keeps the snapshot it started with alive
  // while an ingest swaps in a new one.
  std::shared_ptr<const catalog::OfferIndex> Snapshot() const SKY_EXCLUDES(mu_);

  // Price history of one offer; NotFound for an unknown id.
  Result<std::vector<catalog::PricePoint>> History(const OfferId& id, const std::string& from,
                                                   const std::string& to) const;

  // Accelerator names of the catalog, then those of `bundled_names` not already present.
  std::vector<std::string> AcceleratorVocabulary(
      const std::vector<std::string>& bundled_names) const SKY_EXCLUDES(mu_);

 private:
  CatalogService(std::unique_ptr<catalog::OfferStore> store, const Clock& wall_clock);
  Status Reindex() SKY_EXCLUDES(mu_);

  std::unique_ptr<catalog::OfferStore> store_;  // internally synchronised
  const Clock& wall_clock_;
  Mutex ingest_mu_;  // one ingest at a time
  mutable Mutex mu_;
  std::shared_ptr<const catalog::OfferIndex> index_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::broker
