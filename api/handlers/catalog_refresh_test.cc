#include "api/handlers/catalog_refresh.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

using providers::aws::SpotPricePoint;

// Points as the EC2 adapter reports them (values from the 2022-05 DescribeSpotPriceHistory
// dump): Linux/UNIX ones become spot prices zoned as the spot TSV reader zones its offers.
TEST(CatalogRefreshTest, SpotPricesFromEc2KeepLinuxPointsZonedByAzId) {
  const std::vector<SpotPricePoint> points = {
      {"us-east-1a", "use1-az6", "p3.2xlarge", "Linux/UNIX", 0.95, "2022-06-01T00:00:00.000Z",
       1654041600},
      {"us-east-1a", "use1-az6", "p3.2xlarge", "Windows", 1.3, "2022-06-01T00:00:00.000Z",
       1654041600},
      {"us-west-2b", "", "g5.xlarge", "Linux/UNIX", 0.4, "2022-06-01T01:00:00.000Z", 1654045200},
      {"", "", "g5.xlarge", "Linux/UNIX", 0.4, "2022-06-01T01:00:00.000Z", 1654045200}};
  const std::vector<broker::SpotPriceObservation> prices = SpotPricesFromEc2(points);
  ASSERT_EQ(prices.size(), 3u);
  EXPECT_EQ(prices[0].region, "us-east-1");
  EXPECT_EQ(prices[0].zone, "use1-az6");
  EXPECT_EQ(prices[0].instance_type, "p3.2xlarge");
  EXPECT_DOUBLE_EQ(prices[0].price_per_hour, 0.95);
  EXPECT_DOUBLE_EQ(prices[0].at_seconds, 1654041600);
  // Without an AZ id: the zone name, and its region.
  EXPECT_EQ(prices[1].zone, "us-west-2b");
  EXPECT_EQ(prices[1].region, "us-west-2");
  // Without either: no zone and no region (the catalog skips it).
  EXPECT_EQ(prices[2].zone, "");
  EXPECT_EQ(prices[2].region, "");
}

}  // namespace
}  // namespace sky::api
