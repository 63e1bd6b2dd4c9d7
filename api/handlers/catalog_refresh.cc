#include "api/handlers/catalog_refresh.h"

#include <utility>
#include <vector>

#include "sky/catalog/aws_zones.h"

namespace sky::api {
namespace {

constexpr double kSpotHistorySeconds = 24 * 3600;

// The provider's spot price history of the last 24 h when it has one (AWS), else none.
Result<std::vector<providers::aws::SpotPricePoint>> SpotHistory(providers::Provider& provider,
                                                                const Clock& wall_clock) {
  auto* source = dynamic_cast<providers::aws::SpotPriceSource*>(&provider);
  if (source == nullptr) return std::vector<providers::aws::SpotPricePoint>{};
  providers::aws::SpotPriceQuery query;
  query.end_seconds = wall_clock.NowSeconds();
  query.start_seconds = query.end_seconds - kSpotHistorySeconds;
  return source->DescribeSpotPriceHistory(query);
}

// "us-east-1" for the AZ id "use1-az4", else for a zone name ("us-east-1a") the name without
// its trailing letter.
std::string SpotRegion(const std::string& zone_id, const std::string& zone_name) {
  std::string region(catalog::AwsRegionOfZoneId(zone_id));
  if (!region.empty()) return region;
  region = zone_name;
  while (!region.empty() && region.back() >= 'a' && region.back() <= 'z') region.pop_back();
  return region;
}

}  // namespace

std::vector<broker::SpotPriceObservation> SpotPricesFromEc2(
    const std::vector<providers::aws::SpotPricePoint>& points) {
  std::vector<broker::SpotPriceObservation> prices;
  for (const auto& point : points) {
    if (point.product_description != "Linux/UNIX") continue;
    broker::SpotPriceObservation price;
    price.zone =
        point.availability_zone_id.empty() ? point.availability_zone : point.availability_zone_id;
    price.region = SpotRegion(point.availability_zone_id, point.availability_zone);
    price.instance_type = point.instance_type;
    price.price_per_hour = point.price_per_hour;
    price.at_seconds = point.timestamp_seconds;
    prices.push_back(std::move(price));
  }
  return prices;
}

ProviderRefresh RefreshFromProvider(providers::Provider& provider, broker::CatalogService& catalog,
                                    const Clock& wall_clock) {
  ProviderRefresh r;
  r.provider = provider.name();
  auto offers = provider.ListOffers();
  if (!offers.ok()) {
    r.status = offers.status().WithPrefix("listing offers");
    return r;
  }
  r.offers = offers->size();
  auto points = SpotHistory(provider, wall_clock);
  if (!points.ok()) r.status = points.status().WithPrefix("spot price history");
  std::vector<providers::aws::SpotPricePoint> spot =
      points.ok() ? std::move(points).value() : std::vector<providers::aws::SpotPricePoint>{};
  r.spot_points = spot.size();
  auto applied =
      catalog.ApplyProviderOffers(r.provider, std::move(offers).value(), SpotPricesFromEc2(spot));
  if (applied.ok()) {
    r.summary = std::move(applied).value();
  } else if (r.status.ok()) {
    r.status = applied.status();
  }
  return r;
}

nlohmann::json ProviderRefreshToJson(const ProviderRefresh& r) {
  nlohmann::json j = {{"provider", r.provider},
                      {"offers", r.offers},
                      {"spot_price_points", r.spot_points},
                      {"offers_added", r.summary.offers_added},
                      {"offers_updated", r.summary.offers_updated},
                      {"offers_unchanged", r.summary.offers_unchanged},
                      {"price_points_added", r.summary.price_points_added},
                      {"ok", r.status.ok()}};
  j["error"] = r.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(r.status.ToString());
  return j;
}

}  // namespace sky::api
