#pragma once
// Refreshing the catalog from provider APIs, shared by `skybroker refresh` and
// `POST /v1/catalog/refresh`: each provider's ListOffers (and, for AWS, the last 24 h of spot
// prices) applied as one batch, one transaction per provider. Thread-safe as far as the
// providers and the CatalogService are (both are).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sky/broker/catalog_service.h"
#include "sky/providers/aws/spot_price.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"

namespace sky::api {

// What one provider's refresh did.
struct ProviderRefresh {
  std::string provider;
  size_t offers = 0;       // offers the provider reported
  size_t spot_points = 0;  // spot price points it reported
  catalog::IngestSummary summary;
  Status status;  // the first failure; offers already read are still applied
};

// Refreshes the catalog from `provider`. Never fails as a whole: a failure is recorded in the
// result's `status` (ListOffers: nothing applied; spot history: the offers are still applied).
// `wall_clock` (Unix time) ends the spot price window.
ProviderRefresh RefreshFromProvider(providers::Provider& provider, broker::CatalogService& catalog,
                                    const Clock& wall_clock);

// EC2's spot price history as the catalog's spot prices: Linux/UNIX points only (the catalog's
// AWS spot offers are Linux ones), each zoned by its AZ id as the spot TSV reader zones offers
// (the zone name when it has none), in the AZ id's region (else the zone name without its
// trailing letter).
std::vector<broker::SpotPriceObservation> SpotPricesFromEc2(
    const std::vector<providers::aws::SpotPricePoint>& points);

// {provider, offers, spot_price_points, offers_added, offers_updated, offers_unchanged,
//  price_points_added, ok, error (null or the status text)}.
nlohmann::json ProviderRefreshToJson(const ProviderRefresh& refresh);

}  // namespace sky::api
