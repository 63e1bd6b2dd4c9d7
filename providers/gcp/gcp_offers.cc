#include "providers/gcp/gcp_offers.h"

#include <algorithm>

#include "providers/gcp/gcp_names.h"

namespace sky::providers::gcp {
namespace {

bool ZoneHasAccelerator(const Offer& offer, const std::vector<GceAcceleratorType>& types) {
  if (offer.accelerator.empty() || offer.accelerator_count <= 0) return true;
  const std::string gce = GceAcceleratorName(offer.accelerator);
  if (gce.empty()) return false;
  const bool attached = TakesAttachedAccelerators(offer.instance_type);
  return std::any_of(types.begin(), types.end(), [&](const GceAcceleratorType& type) {
    return type.name == gce &&
           (!attached || type.maximum_cards_per_instance >= offer.accelerator_count);
  });
}

}  // namespace

std::string RegionOfZone(const std::string& zone) {
  const size_t dash = zone.rfind('-');
  return dash == std::string::npos ? zone : zone.substr(0, dash);
}

std::vector<Offer> OffersAvailableIn(const std::vector<Offer>& catalog,
                                     const ZoneAccelerators& zones) {
  std::vector<Offer> out;
  for (const Offer& offer : catalog) {
    if (offer.provider != "gcp") continue;
    const bool runs_somewhere = std::any_of(zones.begin(), zones.end(), [&](const auto& entry) {
      const bool placed = offer.zone.empty() ? RegionOfZone(entry.first) == offer.region
                                             : offer.zone == entry.first;
      return placed && ZoneHasAccelerator(offer, entry.second);
    });
    if (runs_somewhere) out.push_back(offer);
  }
  std::sort(out.begin(), out.end(), [](const Offer& a, const Offer& b) { return a.id < b.id; });
  return out;
}

}  // namespace sky::providers::gcp
