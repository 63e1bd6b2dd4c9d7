#include "sky/broker/catalog_service.h"

#include <cmath>
#include <set>
#include <unordered_set>

#include "sky/catalog/iso_time.h"
#include "sky/types/civil_time.h"

namespace sky::broker {
namespace {

// ISO 8601 UTC ("2026-05-20T00:00:00Z") of a Unix time.
std::string IsoUtc(double epoch_seconds) {
  return FormatIsoUtc(static_cast<int64_t>(std::floor(epoch_seconds)));
}

const WallClock kWallClock;

// The catalog offer id of a spot price, built as the catalog's readers build it (for AWS,
// catalog/aws_spot_history_reader.cc); empty for a price without a region or a zone.
OfferId SpotOfferId(const std::string& provider, const SpotPriceObservation& price) {
  if (price.zone.empty() || price.region.empty()) return "";
  Offer o;
  o.provider = provider;
  o.zone = price.zone;
  o.region = price.region;
  o.instance_type = price.instance_type;
  o.market = Market::kSpot;
  return MakeOfferId(o);
}

// Adds the prices that name a known offer (in the batch or in `current`) to the batch.
void AddSpotPrices(const std::string& provider, const std::vector<SpotPriceObservation>& prices,
                   const catalog::OfferIndex& current, catalog::IngestBatch& batch) {
  std::unordered_set<OfferId> known;
  for (const Offer& offer : batch.offers) known.insert(offer.id);
  for (const auto& price : prices) {
    ++batch.rows_read;
    if (price.price_per_hour <= 0) continue;
    OfferId id = SpotOfferId(provider, price);
    if (id.empty() || (known.count(id) == 0 && current.Find(id) == nullptr)) continue;
    batch.price_points.push_back(catalog::PricePoint{std::move(id), price.price_per_hour,
                                                     IsoUtc(price.at_seconds), batch.source});
  }
}

}  // namespace

CatalogService::CatalogService(std::unique_ptr<catalog::OfferStore> store, const Clock& wall_clock)
    : store_(std::move(store)),
      wall_clock_(wall_clock),
      index_(std::make_shared<const catalog::OfferIndex>(std::vector<Offer>{})) {}

Result<std::unique_ptr<CatalogService>> CatalogService::Open(const std::string& db_path,
                                                             const Clock* wall_clock) {
  SKY_ASSIGN_OR_RETURN(auto store, catalog::OfferStore::Open(db_path));
  std::unique_ptr<CatalogService> service(
      new CatalogService(std::move(store), wall_clock != nullptr ? *wall_clock : kWallClock));
  SKY_RETURN_IF_ERROR(service->Reindex());
  return service;
}

Status CatalogService::Reindex() {
  SKY_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->LoadOffers());
  auto index = std::make_shared<const catalog::OfferIndex>(std::move(offers));
  MutexLock lock(mu_);
  index_ = std::move(index);
  return Status::Ok();
}

Result<catalog::IngestSummary> CatalogService::Ingest(const std::vector<std::string>& paths,
                                                      const catalog::ParseOptions& options) {
  MutexLock ingest_lock(ingest_mu_);
  SKY_ASSIGN_OR_RETURN(auto sources, catalog::ExpandCatalogPaths(paths));
  SKY_ASSIGN_OR_RETURN(auto batches, catalog::ParseCatalogFiles(sources, options));
  // Files that carry prices but no instance attributes (the spot price history) take them
  // from offers already in the catalog.
  std::shared_ptr<const catalog::OfferIndex> current = Snapshot();
  for (auto& batch : batches) catalog::FillInstanceAttributes(batch, current->offers());
  SKY_ASSIGN_OR_RETURN(catalog::IngestSummary summary, store_->Apply(batches));
  SKY_RETURN_IF_ERROR(Reindex());
  return summary;
}

Result<catalog::IngestSummary> CatalogService::ApplyProviderOffers(
    const std::string& provider_name, std::vector<Offer> offers,
    const std::vector<SpotPriceObservation>& spot_prices, const std::string& observed_at) {
  MutexLock ingest_lock(ingest_mu_);
  catalog::IngestBatch batch;
  batch.source = "provider:" + provider_name;
  const std::string now = observed_at.empty() ? IsoUtc(wall_clock_.NowSeconds()) : observed_at;
  batch.rows_read = static_cast<int64_t>(offers.size());
  for (Offer& offer : offers) {
    // Providers send times as their APIs write them ("...T10:00:00.000Z"); the catalog
    // compares them as text, so they are normalised like the file readers normalise theirs.
    std::optional<std::string> when = catalog::NormalizeIsoTime(offer.observed_at);
    offer.observed_at = when ? *when : now;
    if (offer.source.empty()) offer.source = batch.source;
    if (offer.id.empty()) offer.id = MakeOfferId(offer);
  }
  batch.offers = std::move(offers);
  AddSpotPrices(provider_name, spot_prices, *Snapshot(), batch);
  SKY_ASSIGN_OR_RETURN(catalog::IngestSummary summary, store_->Apply({batch}));
  SKY_RETURN_IF_ERROR(Reindex());
  return summary;
}

std::shared_ptr<const catalog::OfferIndex> CatalogService::Snapshot() const {
  MutexLock lock(mu_);
  return index_;
}

Result<std::vector<catalog::PricePoint>> CatalogService::History(const OfferId& id,
                                                                 const std::string& from,
                                                                 const std::string& to) const {
  return store_->PriceHistory(id, from, to);
}

std::vector<std::string> CatalogService::AcceleratorVocabulary(
    const std::vector<std::string>& bundled_names) const {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& summary : Snapshot()->Accelerators()) {
    if (seen.insert(AsciiLower(summary.name)).second) names.push_back(summary.name);
  }
  for (const auto& name : bundled_names) {
    if (seen.insert(AsciiLower(name)).second) names.push_back(name);
  }
  return names;
}

}  // namespace sky::broker
