#include "providers/aws/ec2_query.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace sky::providers::aws {
namespace {

TEST(Ec2QueryTest, PercentEncodesAllButUnreservedCharacters) {
  EXPECT_EQ(AwsPercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(AwsPercentEncode("a b+c/d=e&f:g"), "a%20b%2Bc%2Fd%3De%26f%3Ag");
  EXPECT_EQ(AwsPercentEncode("\xC3\xA9\n*"), "%C3%A9%0A%2A");
  EXPECT_EQ(AwsPercentEncode("tag:skybroker-pipeline"), "tag%3Askybroker-pipeline");
}

TEST(Ec2QueryTest, EncodesActionVersionThenParametersInOrder) {
  QueryParams params = {{"InstanceId.1", "i-1"}, {"Filter.1.Name", "tag:k"}};
  EXPECT_EQ(EncodeQueryBody("DescribeInstances", kEc2ApiVersion, params),
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&Filter.1.Name=tag%3Ak");
}

TEST(Ec2QueryTest, Base64RoundTripsAndMatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"f", "Zg=="},
                                                          {"fo", "Zm8="},
                                                          {"foo", "Zm9v"},
                                                          {"foob", "Zm9vYg=="},
                                                          {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(raw), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, raw);
  }
  std::string binary("\x00\xFF\x10#!/bin/bash\n", 15);
  EXPECT_EQ(*Base64Decode(Base64Encode(binary)), binary);
  EXPECT_TRUE(Base64Decode("Zm9v!").status().IsInvalidArgument());
  EXPECT_TRUE(Base64Decode("Zg=a").status().IsInvalidArgument());
  EXPECT_TRUE(Base64Decode("Z").status().IsInvalidArgument());
}

TEST(Ec2QueryTest, FormatsAndParsesTimestamps) {
  EXPECT_EQ(FormatIso8601(1422172800), "2015-01-25T08:00:00Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
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
