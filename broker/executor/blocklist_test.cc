#include "broker/executor/blocklist.h"

#include <gtest/gtest.h>

namespace sky::broker {
namespace {

Offer SpotA100(const std::string& zone) {
  Offer o;
  o.id = "gcp:us-central1:" + zone + "/a2-highgpu-1g/spot";
  o.provider = "gcp";
  o.region = "us-central1";
  o.zone = zone;
  o.market = Market::kSpot;
  return o;
}

TEST(BlocklistTest, ZoneRegionOfferAndMarketKeysBlockUntilTheyExpire) {
  Blocklist list;
  const Offer a = SpotA100("us-central1-a");
  Offer on_demand = a;
  on_demand.market = Market::kOnDemand;
  list.Block("gcp:us-central1:us-central1-a#spot", 100);
  EXPECT_TRUE(list.Blocks(a, 50));
  EXPECT_FALSE(list.Blocks(on_demand, 50)) << "a spot block leaves on-demand alone";
  EXPECT_FALSE(list.Blocks(SpotA100("us-central1-b"), 50));
  EXPECT_FALSE(list.Blocks(a, 100)) << "expired";
  list.Block("gcp:us-central1", 200);
  EXPECT_TRUE(list.Blocks(SpotA100("us-central1-b"), 150));
  EXPECT_TRUE(list.Blocks(on_demand, 150));
  list.Block(a.id, 300);
  EXPECT_TRUE(list.Blocks(a, 250));
}

TEST(BlocklistTest, ActiveDropsExpiredEntriesAndALaterBlockNeverShortens) {
  Blocklist list;
  list.Block("x", 100);
  list.Block("x", 50);
  list.Block("y", 10);
  EXPECT_EQ(list.Active(20), std::vector<std::string>{"x"});
  EXPECT_EQ(list.Active(99), std::vector<std::string>{"x"});
  EXPECT_TRUE(list.Active(100).empty());
}

}  // namespace
}  // namespace sky::broker
