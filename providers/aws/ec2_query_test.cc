#include "providers/aws/ec2_query.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace sky::providers::aws {
namespace {

TEST(Ec2QueryTest, EncodesActionVersionThenParametersInOrder) {
  QueryParams params = {{"InstanceId.1", "i-1"}, {"Filter.1.Name", "tag:k"}};
  EXPECT_EQ(EncodeQueryBody("DescribeInstances", kEc2ApiVersion, params),
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&Filter.1.Name=tag%3Ak");
  EXPECT_EQ(EncodeQueryBody("RunInstances", "v", {{"UserData", "a b+c/d="}}),
            "Action=RunInstances&Version=v&UserData=a%20b%2Bc%2Fd%3D");
}

TEST(Ec2QueryTest, BlobsDecodeIgnoringWhitespace) {
  EXPECT_EQ(*Base64Decode("Zm9v\nYmFy", kEc2BlobBase64), "foobar");
}

TEST(Ec2QueryTest, ParsesTimestamps) {
  EXPECT_EQ(*ParseAwsTimestamp("2014-04-29T18:30:38Z"), 1398796238);
  EXPECT_EQ(*ParseAwsTimestamp("2013-03-20T13:35:55.000Z"), 1363786555);
  EXPECT_NEAR(*ParseAwsTimestamp("2000-01-02T20:34:56.123Z"), 946845296.123, 1e-6);
  EXPECT_EQ(*ParseAwsTimestamp("2019-12-16T22:48:18-01:00"), 1576540098);
  EXPECT_EQ(*ParseAwsTimestamp("2019-12-17T00:48:18+01:00"), 1576540098);
  EXPECT_EQ(*ParseAwsTimestamp("2022-05-31T18:20:41+00:00"), 1654021241);
  EXPECT_EQ(*ParseAwsTimestamp("Tue, 29 Apr 2014 18:30:38 GMT"), 1398796238);
  EXPECT_EQ(*ParseAwsTimestamp("1398796238"), 1398796238);
  for (const char* bad : {"", "2014-04-29", "2014-13-29T18:30:38Z", "2014-04-29T18:30:38",
                          "2014-04-29T18:30:38Zjunk", "Tue, 29 Foo 2014 18:30:38 GMT", "soon"}) {
    EXPECT_TRUE(ParseAwsTimestamp(bad).status().IsInvalidArgument()) << bad;
  }
}

TEST(Ec2QueryTest, FormatsDoublesShortestAndNamesNonFiniteValues) {
  EXPECT_EQ(FormatAwsDouble(10.8), "10.8");
  EXPECT_EQ(FormatAwsDouble(0.1), "0.1");
  EXPECT_EQ(FormatAwsDouble(1422172800), "1422172800");
  EXPECT_EQ(FormatAwsDouble(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatAwsDouble(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(FormatAwsDouble(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(Ec2QueryTest, FlattensListsFiltersAndTags) {
  QueryParams params;
  AddQueryList(params, "InstanceId", {"i-1", "i-2"});
  AddQueryList(params, "Empty", {});
  AddQueryFilter(params, 1, "tag:k", {"v"});
  AddQueryTags(params, "TagSpecification.1.Tag", {{"b", "2"}, {"a", "1"}});
  QueryParams expected = {{"InstanceId.1", "i-1"},
                          {"InstanceId.2", "i-2"},
                          {"Filter.1.Name", "tag:k"},
                          {"Filter.1.Value.1", "v"},
                          {"TagSpecification.1.Tag.1.Key", "a"},
                          {"TagSpecification.1.Tag.1.Value", "1"},
                          {"TagSpecification.1.Tag.2.Key", "b"},
                          {"TagSpecification.1.Tag.2.Value", "2"}};
  EXPECT_EQ(params, expected);
}

}  // namespace
}  // namespace sky::providers::aws
