#include "sky/types/offer.h"

namespace sky {

std::string_view MarketName(Market market) {
  switch (market) {
    case Market::kOnDemand:
      return "on_demand";
    case Market::kSpot:
      return "spot";
    case Market::kReserved:
      return "reserved";
  }
  return "on_demand";
}

std::optional<Market> ParseMarket(std::string_view text) {
  const std::string lower = AsciiLower(text);
  if (lower == "on_demand" || lower == "on-demand" || lower == "ondemand") return Market::kOnDemand;
  if (lower == "spot") return Market::kSpot;
  if (lower == "reserved") return Market::kReserved;
  return std::nullopt;
}

OfferId MakeOfferId(const Offer& offer, bool attached_accelerator) {
  std::string id = offer.location_id();
  id += '/';
  id += offer.instance_type;
  if (attached_accelerator && !offer.accelerator.empty()) {
    id += '+' + offer.accelerator + 'x' + std::to_string(offer.accelerator_count);
  }
  id += '/';
  id += MarketName(offer.market);
  return id;
}

}  // namespace sky
