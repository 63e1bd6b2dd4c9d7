#include "providers/gcp/gcp_offers.h"

#include <gtest/gtest.h>

namespace sky::providers::gcp {
namespace {

Offer MakeOffer(const std::string& zone, const std::string& type, const std::string& gpu, int count,
                Market market) {
  Offer offer;
  offer.provider = "gcp";
  offer.region = "us-central1";
  offer.zone = zone;
  offer.instance_type = type;
  offer.accelerator = gpu;
  offer.accelerator_count = count;
  offer.market = market;
  offer.id = MakeOfferId(offer, type.rfind("n1-", 0) == 0 && !gpu.empty());
  return offer;
}

TEST(GcpOffersTest, KeepsOffersWhoseZoneReportsTheirAcceleratorType) {
  const ZoneAccelerators zones = {
      {"us-central1-a", {{"nvidia-tesla-t4", "us-central1-a", 4}}},
      {"us-central1-b", {{"nvidia-l4", "us-central1-b", 8}}},
  };
  const std::vector<Offer> catalog = {
      MakeOffer("us-central1-a", "n1-highmem-8", "T4", 2, Market::kSpot),     // kept
      MakeOffer("us-central1-b", "n1-highmem-8", "T4", 2, Market::kSpot),     // no T4 in b
      MakeOffer("us-central1-c", "n2-standard-8", "", 0, Market::kSpot),      // zone not searched
      MakeOffer("us-central1-b", "n2-standard-8", "", 0, Market::kOnDemand),  // CPU: kept
      MakeOffer("", "g2-standard-8", "L4", 1, Market::kOnDemand),    // regional, L4 in b: kept
      MakeOffer("", "a2-highgpu-1g", "A100", 1, Market::kOnDemand),  // no A100 anywhere
  };
  std::vector<Offer> aws = {MakeOffer("us-central1-a", "n2-standard-8", "", 0, Market::kSpot)};
  aws[0].provider = "aws";
  std::vector<Offer> all = catalog;
  all.push_back(aws[0]);
  const std::vector<Offer> kept = OffersAvailableIn(all, zones);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].id, "gcp:us-central1/g2-standard-8/on_demand");
  EXPECT_EQ(kept[1].id, "gcp:us-central1:us-central1-a/n1-highmem-8+T4x2/spot");
  EXPECT_EQ(kept[2].id, "gcp:us-central1:us-central1-b/n2-standard-8/on_demand");
  EXPECT_EQ(RegionOfZone("europe-west4-a"), "europe-west4");
}

}  // namespace
}  // namespace sky::providers::gcp
