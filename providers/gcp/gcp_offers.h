#pragma once
// Narrowing priced catalog offers to what Compute Engine says a set of zones has: the Compute
// API lists accelerator types per zone (acceleratorTypes.list) but publishes no prices, so the
// prices come from the catalog and the presence of the GPU from the API. Pure; thread-safe.

#include <map>
#include <string>
#include <vector>

#include "providers/gcp/gcp_json.h"
#include "sky/types/offer.h"

namespace sky::providers::gcp {

// Zone short name -> the accelerator types acceleratorTypes.list reported there.
using ZoneAccelerators = std::map<std::string, std::vector<GceAcceleratorType>>;

// The region of a zone: "us-central1-a" -> "us-central1".
std::string RegionOfZone(const std::string& zone);

// The GCP offers of `catalog` that can run in the zones of `zones`: an offer with a zone needs
// that zone to be a key of `zones`; a regional offer (no zone) needs one of them in its region
// (and is returned unchanged, once). An offer with an accelerator also needs that zone to report
// its GCE type, with maximumCardsPerInstance at least the offer's count when the GPU is attached
// (n1 hosts). Sorted by offer id.
std::vector<Offer> OffersAvailableIn(const std::vector<Offer>& catalog,
                                     const ZoneAccelerators& zones);

}  // namespace sky::providers::gcp
