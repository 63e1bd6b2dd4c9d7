// AWS spot price history TSV reader on the real 2022-05 dump; values read from the file.

#include "catalog/aws_spot_history_reader.h"

#include <set>

#include "catalog/ingest_test_util.h"
#include "gtest/gtest.h"
#include "sky/catalog/aws_zones.h"

namespace sky::catalog {
namespace {

using testing::FindOffer;
using testing::MustParse;
using testing::SharedData;

const std::string kTsv = "spot_traces/aws_spot_price_history/prices_2022-05.tsv";

TEST(AwsSpotHistoryReaderTest, WholeFile) {
  const IngestBatch b = MustParse(SharedData(kTsv));
  EXPECT_EQ(b.format, CatalogFormat::kAwsSpotHistoryTsv);
  EXPECT_EQ(b.rows_read, 33362);
  EXPECT_EQ(b.rows_skipped, 33362 - 9281);  // RHEL, SUSE and Windows events
  EXPECT_TRUE(b.rejected.empty());
  EXPECT_EQ(b.offers.size(), 9100u);       // distinct (AZ, type) among Linux/UNIX events
  EXPECT_EQ(b.price_points.size(), 181u);  // the earlier events of those pairs
  std::set<std::string> regions, zones;
  for (const Offer& o : b.offers) {
    ASSERT_EQ(o.market, Market::kSpot);
    ASSERT_EQ(o.provider, "aws");
    regions.insert(o.region);
    zones.insert(o.zone);
  }
  EXPECT_EQ(regions.size(), 17u);
  EXPECT_EQ(zones.size(), 55u);
}

TEST(AwsSpotHistoryReaderTest, KnownRow) {
  const IngestBatch b = MustParse(SharedData(kTsv));
  // use1-az6  p3.2xlarge  Linux/UNIX  0.918000  2022-05-31T21:18:00+00:00
  const Offer* o = FindOffer(b, "aws:us-east-1:use1-az6/p3.2xlarge/spot");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->region, "us-east-1");
  EXPECT_EQ(o->zone, "use1-az6");
  EXPECT_DOUBLE_EQ(o->price_per_hour, 0.918);
  EXPECT_EQ(o->observed_at, "2022-05-31T21:18:00Z");
  EXPECT_EQ(o->source, "prices_2022-05.tsv");
}

TEST(AwsSpotHistoryReaderTest, LatestEventIsTheOfferEarlierOnesArePricePoints) {
  const IngestBatch b = MustParse(SharedData(kTsv));
  // sae1-az2 c5ad.16xlarge Linux/UNIX: 1.5087 @23:05:26, 1.4952 @23:05:31, 1.5087 @23:06:31.
  const std::string id = "aws:sa-east-1:sae1-az2/c5ad.16xlarge/spot";
  const Offer* o = FindOffer(b, id);
  ASSERT_NE(o, nullptr);
  EXPECT_DOUBLE_EQ(o->price_per_hour, 1.5087);
  EXPECT_EQ(o->observed_at, "2022-05-31T23:06:31Z");
  std::vector<PricePoint> points;
  for (const PricePoint& p : b.price_points) {
    if (p.offer_id == id) points.push_back(p);
  }
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].observed_at, "2022-05-31T23:05:26Z");
  EXPECT_DOUBLE_EQ(points[0].price_per_hour, 1.5087);
  EXPECT_EQ(points[1].observed_at, "2022-05-31T23:05:31Z");
  EXPECT_DOUBLE_EQ(points[1].price_per_hour, 1.4952);
}

TEST(AwsSpotHistoryReaderTest, ZoneIdPrefixes) {
  EXPECT_EQ(AwsRegionOfZoneId("use1-az4"), "us-east-1");
  EXPECT_EQ(AwsRegionOfZoneId("usw2-az1"), "us-west-2");
  EXPECT_EQ(AwsRegionOfZoneId("euw3-az2"), "eu-west-3");
  EXPECT_EQ(AwsRegionOfZoneId("apne1-az1"), "ap-northeast-1");
  EXPECT_EQ(AwsRegionOfZoneId("cac1-az1"), "ca-central-1");
  EXPECT_EQ(AwsRegionOfZoneId("usgw1-az1"), "us-gov-west-1");
  EXPECT_EQ(AwsRegionOfZoneId("use1-bos1-az1"), "us-east-1");  // a Local Zone
  EXPECT_EQ(AwsRegionOfZoneId("xxx9-az1"), "");
  EXPECT_EQ(AwsRegionOfZoneId("use1"), "");
  EXPECT_EQ(AwsRegionOfZoneId("use1-azX"), "");
}

}  // namespace
}  // namespace sky::catalog
