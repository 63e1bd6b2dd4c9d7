#include "sky/broker/catalog_service.h"

#include <set>

namespace sky::broker {

CatalogService::CatalogService(std::unique_ptr<catalog::OfferStore> store)
    : store_(std::move(store)),
      index_(std::make_shared<const catalog::OfferIndex>(std::vector<Offer>{})) {}

Result<std::unique_ptr<CatalogService>> CatalogService::Open(const std::string& db_path) {
  SKY_ASSIGN_OR_RETURN(auto store, catalog::OfferStore::Open(db_path));
  std::unique_ptr<CatalogService> service(new CatalogService(std::move(store)));
  SKY_RETURN_IF_ERROR(service->Reindex());
  return service;
}

Status CatalogService::Reindex() {
  SKY_ASSIGN_OR_RETURN(std::vector<Offer> offers, store_->LoadOffers());
  auto index = std::make_shared<const catalog::OfferIndex>(std::move(offers));
  std::lock_guard<std::mutex> lock(mu_);
  index_ = std::move(index);
  return Status::Ok();
}

Result<catalog::IngestSummary> CatalogService::Ingest(const std::vector<std::string>& paths,
                                                      const catalog::ParseOptions& options) {
  std::lock_guard<std::mutex> ingest_lock(ingest_mu_);
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

std::shared_ptr<const catalog::OfferIndex> CatalogService::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
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
