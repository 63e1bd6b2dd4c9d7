// The adapter's hand-built request parameters, checked against the model-driven serialiser
// over the official EC2 service model (the same input written as the SDKs' JSON).
#include "providers/aws/ec2_requests.h"

#include <gtest/gtest.h>

#include <string>

#include "providers/aws/ec2_shape_codec.h"
#include "providers/aws/ec2_test_util.h"

namespace sky::providers::aws {
namespace {

using testing::ReadJsonOrDie;
using testing::SpecPath;

class Ec2RequestsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ =
        new OrderedJson(ReadJsonOrDie(SpecPath("aws-ec2/model/ec2-2016-11-15-service-2.json")));
  }
  static void TearDownTestSuite() { delete model_; }

  // The model's serialisation of `params` for `operation`'s input shape.
  static QueryParams FromModel(const std::string& operation, const char* params) {
    std::string shape = (*model_)["operations"][operation]["input"]["shape"];
    auto serialized = SerializeEc2Shape((*model_)["shapes"], shape, OrderedJson::parse(params));
    EXPECT_TRUE(serialized.ok()) << serialized.status().ToString();
    return serialized.ok() ? *serialized : QueryParams{};
  }

  static OrderedJson* model_;
};

OrderedJson* Ec2RequestsTest::model_ = nullptr;

TEST_F(Ec2RequestsTest, SpotRunInstancesMatchesTheModel) {
  RunInstancesInput input;
  input.image_id = "ami-0123456789abcdef0";
  input.instance_type = "p4d.24xlarge";
  input.zone = "us-east-1b";
  input.client_token = "pipeline-7/train/attempt-1";
  input.user_data = "#!/bin/bash\necho hi\n";
  input.key_name = "ops";
  input.subnet_id = "subnet-1";
  input.security_group_ids = {"sg-1", "sg-2"};
  input.spot = true;
  input.tags = {{"skybroker-pipeline", "p7"}, {"skybroker-stage", "train"}};
  QueryParams expected = FromModel("RunInstances", R"({
    "ImageId": "ami-0123456789abcdef0", "InstanceType": "p4d.24xlarge",
    "MinCount": 1, "MaxCount": 1, "ClientToken": "pipeline-7/train/attempt-1",
    "UserData": "IyEvYmluL2Jhc2gKZWNobyBoaQo=", "KeyName": "ops", "SubnetId": "subnet-1",
    "SecurityGroupIds": ["sg-1", "sg-2"], "Placement": {"AvailabilityZone": "us-east-1b"},
    "InstanceMarketOptions": {"MarketType": "spot",
        "SpotOptions": {"SpotInstanceType": "one-time",
                        "InstanceInterruptionBehavior": "terminate"}},
    "TagSpecifications": [{"ResourceType": "instance", "Tags": [
        {"Key": "skybroker-pipeline", "Value": "p7"},
        {"Key": "skybroker-stage", "Value": "train"}]}]
  })");
  EXPECT_EQ(RunInstancesParams(input), expected);
}

TEST_F(Ec2RequestsTest, OnDemandRunInstancesInAnAzIdMatchesTheModel) {
  RunInstancesInput input;
  input.image_id = "ami-1";
  input.instance_type = "g5.xlarge";
  input.zone = "use1-az4";
  input.client_token = "k";
  EXPECT_EQ(RunInstancesParams(input), FromModel("RunInstances", R"({
    "ImageId": "ami-1", "InstanceType": "g5.xlarge", "MinCount": 1, "MaxCount": 1,
    "ClientToken": "k", "Placement": {"AvailabilityZoneId": "use1-az4"}})"));
}

TEST_F(Ec2RequestsTest, DescribeInstancesByIdsAndByTagMatchTheModel) {
  EXPECT_EQ(DescribeInstancesParams({"i-1", "i-2"}, {}, ""),
            FromModel("DescribeInstances", R"({"InstanceIds": ["i-1", "i-2"]})"));
  EXPECT_EQ(DescribeInstancesParams({}, {{"skybroker-pipeline", "p 1"}}, "tok/+="),
            FromModel("DescribeInstances", R"({
              "Filters": [{"Name": "tag:skybroker-pipeline", "Values": ["p 1"]}],
              "MaxResults": 1000, "NextToken": "tok/+="})"));
}

TEST_F(Ec2RequestsTest, TerminateInstancesMatchesTheModel) {
  EXPECT_EQ(TerminateInstancesParams({"i-4382922a"}),
            FromModel("TerminateInstances", R"({"InstanceIds": ["i-4382922a"]})"));
}

TEST_F(Ec2RequestsTest, SpotPriceHistoryMatchesTheModel) {
  SpotPriceQuery query;
  query.instance_types = {"p3.2xlarge", "g5.xlarge"};
  query.availability_zone = "us-east-1a";
  query.start_seconds = 1654041600;
  query.end_seconds = 1654045200.5;
  EXPECT_EQ(SpotPriceHistoryParams(query, "next"), FromModel("DescribeSpotPriceHistory", R"({
    "StartTime": 1654041600, "EndTime": 1654045200,
    "InstanceTypes": ["p3.2xlarge", "g5.xlarge"], "ProductDescriptions": ["Linux/UNIX"],
    "AvailabilityZone": "us-east-1a", "MaxResults": 1000, "NextToken": "next"})"));
  EXPECT_EQ(SpotPriceHistoryParams(query, "")[0].second, "2022-06-01T00:00:00Z");
}

TEST_F(Ec2RequestsTest, InstanceTypeOfferingsMatchesTheModel) {
  EXPECT_EQ(InstanceTypeOfferingsParams({"p3.2xlarge", "g5.xlarge"}, ""),
            FromModel("DescribeInstanceTypeOfferings", R"({
              "LocationType": "availability-zone",
              "Filters": [{"Name": "instance-type", "Values": ["p3.2xlarge", "g5.xlarge"]}],
              "MaxResults": 1000})"));
}

TEST(Ec2ClientTokenTest, ShortKeysAreUsedAsIsAndLongOnesHashed) {
  EXPECT_EQ(*ClientTokenForKey("p1/train/1"), "p1/train/1");
  std::string max(64, 'k');
  EXPECT_EQ(*ClientTokenForKey(max), max);
  EXPECT_EQ(*ClientTokenForKey(std::string(100, 'x')),
            "09ecb6ebc8bcefc733f6f2ec44f791abeed6a99edf0cc31519637898aebd52d8");
  EXPECT_EQ(ClientTokenForKey("with space")->size(), 64u);
  EXPECT_TRUE(ClientTokenForKey("").status().IsInvalidArgument());
  EXPECT_TRUE(IsAvailabilityZoneId("use1-az4"));
  EXPECT_FALSE(IsAvailabilityZoneId("us-east-1a"));
}

}  // namespace
}  // namespace sky::providers::aws
