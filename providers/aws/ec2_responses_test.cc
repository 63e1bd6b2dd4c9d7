// Recorded EC2 responses parsed to their expected values: botocore's response-parsing fixtures
// through the model-driven parser (and the adapter's own parsers checked against it), and
// libcloud's recorded responses through the adapter's operation parsers.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "providers/aws/ec2_convert.h"
#include "providers/aws/ec2_shape_codec.h"
#include "providers/aws/ec2_test_util.h"
#include "providers/aws/ec2_xml.h"
#include "providers/aws/xml_reader.h"
#include "sky/types/ascii.h"

namespace sky::providers::aws {
namespace {

using testing::ExpectJsonMatches;
using testing::ReadFileOrDie;
using testing::ReadJsonOrDie;
using testing::SpecPath;

const std::string kBotocoreDir = "aws-ec2/botocore-response-parsing/";
const std::string kLibcloudDir = "recorded/libcloud-ec2/";

std::vector<std::string> XmlFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = opendir(SpecPath(dir).c_str());
  if (handle == nullptr) return names;
  while (dirent* entry = readdir(handle)) {
    std::string name = entry->d_name;
    if (name.size() > 4 && name.substr(name.size() - 4) == ".xml") names.push_back(name);
  }
  closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

// "ec2-describe-spot-price-history.xml" -> "DescribeSpotPriceHistory".
std::string OperationOf(const std::string& file) {
  std::string op;
  bool upper = true;
  for (char c : file.substr(4, file.size() - 8)) {
    if (c == '-') {
      upper = true;
      continue;
    }
    op += upper ? AsciiToUpper(c) : c;
    upper = false;
  }
  return op;
}

class Ec2ResponsesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ =
        new OrderedJson(ReadJsonOrDie(SpecPath("aws-ec2/model/ec2-2016-11-15-service-2.json")));
  }
  static void TearDownTestSuite() { delete model_; }

  static Result<OrderedJson> ParseWithModel(const std::string& operation, const std::string& xml) {
    SKY_ASSIGN_OR_RETURN(XmlElement root, ParseXml(xml));
    ShapeParseOptions options;
    options.timestamps_as_text = true;
    options.add_response_metadata = true;
    std::string shape = (*model_)["operations"][operation]["output"]["shape"];
    return ParseEc2Shape((*model_)["shapes"], shape, root, options);
  }

  static OrderedJson* model_;
};

OrderedJson* Ec2ResponsesTest::model_ = nullptr;

TEST_F(Ec2ResponsesTest, EveryBotocoreFixtureParsesToItsExpectedValue) {
  std::vector<std::string> files = XmlFiles(kBotocoreDir);
  ASSERT_EQ(files.size(), 10u);
  int parsed = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    std::string xml = ReadFileOrDie(SpecPath(kBotocoreDir + file));
    OrderedJson expected =
        ReadJsonOrDie(SpecPath(kBotocoreDir + file.substr(0, file.size() - 4) + ".json"));
    if (file.rfind("error-", 0) == 0) {
      auto error = ParseEc2Error(xml);
      ASSERT_TRUE(error.ok()) << error.status().ToString();
      OrderedJson actual = {{"Error", {{"Code", error->code}, {"Message", error->message}}},
                            {"ResponseMetadata", {{"RequestId", error->request_id}}}};
      ExpectJsonMatches(expected, actual);
    } else {
      auto actual = ParseWithModel(OperationOf(file), xml);
      ASSERT_TRUE(actual.ok()) << actual.status().ToString();
      ExpectJsonMatches(expected, *actual);
    }
    ++parsed;
  }
  std::cout << "botocore EC2 fixtures parsed to their expected values: " << parsed << "\n";
}

TEST_F(Ec2ResponsesTest, AdapterInstanceParserAgreesWithTheModelOnBotocoreFixtures) {
  std::string xml = ReadFileOrDie(SpecPath(kBotocoreDir + "ec2-describe-instances.xml"));
  auto page = ParseDescribeInstances(xml);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  auto generic = ParseWithModel("DescribeInstances", xml);
  ASSERT_TRUE(generic.ok());
  std::vector<const OrderedJson*> instances;
  for (const OrderedJson& reservation : (*generic)["Reservations"]) {
    for (const OrderedJson& instance : reservation["Instances"]) instances.push_back(&instance);
  }
  ASSERT_EQ(page->instances.size(), instances.size());
  ASSERT_GE(instances.size(), 2u);
  for (size_t i = 0; i < instances.size(); ++i) {
    const OrderedJson& g = *instances[i];
    const Ec2Instance& a = page->instances[i];
    EXPECT_EQ(a.instance_id, g["InstanceId"]);
    EXPECT_EQ(a.instance_type, g["InstanceType"]);
    EXPECT_EQ(a.state_code, g["State"]["Code"]);
    EXPECT_EQ(a.state_name, g["State"]["Name"]);
    EXPECT_EQ(a.availability_zone, g["Placement"]["AvailabilityZone"]);
    EXPECT_EQ(a.private_ip, g.value("PrivateIpAddress", ""));
    EXPECT_EQ(a.public_ip, g.value("PublicIpAddress", ""));
    EXPECT_EQ(a.launch_time, g["LaunchTime"]);
    if (g.contains("StateReason")) {
      EXPECT_EQ(a.state_reason_code, g["StateReason"]["Code"]);
    }
    EXPECT_EQ(a.tags.size(), g.contains("Tags") ? g["Tags"].size() : 0u);
  }
  EXPECT_EQ(page->next_token, "");
}

TEST_F(Ec2ResponsesTest, AdapterSpotPriceParserAgreesWithTheModelOnAllThousandPoints) {
  std::string xml = ReadFileOrDie(SpecPath(kBotocoreDir + "ec2-describe-spot-price-history.xml"));
  auto page = ParseSpotPriceHistory(xml);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  auto generic = ParseWithModel("DescribeSpotPriceHistory", xml);
  ASSERT_TRUE(generic.ok());
  const OrderedJson& history = (*generic)["SpotPriceHistory"];
  ASSERT_EQ(page->prices.size(), 1000u);
  ASSERT_EQ(history.size(), 1000u);
  for (size_t i = 0; i < history.size(); ++i) {
    const SpotPricePoint& p = page->prices[i];
    EXPECT_EQ(p.availability_zone, history[i]["AvailabilityZone"]);
    EXPECT_EQ(p.instance_type, history[i]["InstanceType"]);
    EXPECT_EQ(p.product_description, history[i]["ProductDescription"]);
    EXPECT_DOUBLE_EQ(p.price_per_hour, std::stod(history[i]["SpotPrice"].get<std::string>()));
    EXPECT_EQ(p.timestamp, history[i]["Timestamp"]);
  }
  EXPECT_EQ(page->next_token, "Qj9iZzP9N1Vh5jjNyad6X73sizWaPtVQ6328oKe9/GbmNSbOFX1TIhQaz5vok0nu");
  EXPECT_EQ(page->prices[0].timestamp_seconds, 1363786555);  // 2013-03-20T13:35:55Z
  EXPECT_DOUBLE_EQ(page->prices[1].price_per_hour, 0.106);
}

TEST(Ec2LibcloudTest, DescribeInstancesGivesIdsStatesIpsTagsAndStateReasons) {
  auto page =
      ParseDescribeInstances(ReadFileOrDie(SpecPath(kLibcloudDir + "describe_instances.xml")));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->instances.size(), 2u);
  const Ec2Instance& first = page->instances[0];
  EXPECT_EQ(first.instance_id, "i-4382922a");
  EXPECT_EQ(first.instance_type, "m1.small");
  EXPECT_EQ(first.state_code, 80);
  EXPECT_EQ(first.state_name, "stopped");
  EXPECT_EQ(first.state_reason_code, "Client.UserInitiatedShutdown");
  EXPECT_EQ(first.state_transition_reason, "User initiated (2014-01-11 14:39:31 GMT)");
  EXPECT_EQ(first.public_ip, "1.2.3.4");
  EXPECT_EQ(first.private_ip, "10.211.11.211");
  EXPECT_EQ(first.availability_zone, "us-east-1d");
  EXPECT_EQ(first.client_token, "ifmxj1365530456668");
  EXPECT_TRUE(first.tags.empty());
  EXPECT_EQ(first.launch_time_seconds, 1385985491);  // 2013-12-02T11:58:11Z
  const Ec2Instance& second = page->instances[1];
  EXPECT_EQ(second.instance_id, "i-8474834a");
  EXPECT_EQ(second.instance_type, "t1.micro");
  EXPECT_EQ(second.public_ip, "1.2.3.5");
  EXPECT_EQ(second.private_ip, "172.16.9.139");
  ASSERT_EQ(second.tags.size(), 2u);
  EXPECT_EQ(second.tags.at("Name"), "Test Server 2");
  EXPECT_EQ(second.tags.at("Group"), "VPC Test");

  Instance instance = ToInstance(first, "us-east-1");
  EXPECT_EQ(instance.state, InstanceState::kStopping);
  EXPECT_EQ(instance.reason, TerminationReason::kUser);
  EXPECT_EQ(instance.market, Market::kOnDemand);
  EXPECT_EQ(instance.offer_id, "aws:us-east-1:us-east-1d/m1.small/on_demand");
}

TEST(Ec2LibcloudTest, RunInstancesOnDemandAndSpot) {
  auto on_demand = ParseRunInstances(ReadFileOrDie(SpecPath(kLibcloudDir + "run_instances.xml")));
  ASSERT_TRUE(on_demand.ok()) << on_demand.status().ToString();
  ASSERT_EQ(on_demand->size(), 1u);
  EXPECT_EQ((*on_demand)[0].instance_id, "i-2ba64342");
  EXPECT_EQ((*on_demand)[0].state_name, "pending");
  EXPECT_EQ((*on_demand)[0].state_code, 0);
  EXPECT_EQ((*on_demand)[0].availability_zone, "us-east-1b");
  EXPECT_EQ((*on_demand)[0].launch_time_seconds, 1186487510);  // 2007-08-07T11:51:50Z
  EXPECT_EQ(ToInstance((*on_demand)[0], "us-east-1").market, Market::kOnDemand);

  auto spot = ParseRunInstances(ReadFileOrDie(SpecPath(kLibcloudDir + "run_instances_spot.xml")));
  ASSERT_TRUE(spot.ok()) << spot.status().ToString();
  ASSERT_EQ(spot->size(), 1u);
  EXPECT_EQ((*spot)[0].instance_id, "i-2ba64344");
  EXPECT_EQ((*spot)[0].lifecycle, "spot");
  Instance instance = ToInstance((*spot)[0], "us-east-1");
  EXPECT_EQ(instance.market, Market::kSpot);
  EXPECT_EQ(instance.state, InstanceState::kPending);
  EXPECT_EQ(instance.reason, TerminationReason::kNone);
}

TEST(Ec2LibcloudTest, TerminateInstancesGivesStateChanges) {
  auto changes =
      ParseTerminateInstances(ReadFileOrDie(SpecPath(kLibcloudDir + "terminate_instances.xml")));
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].instance_id, "i-4382922a");
  EXPECT_EQ((*changes)[0].current_state, "shutting-down");
  EXPECT_EQ((*changes)[0].previous_state, "running");
}

TEST(Ec2LibcloudTest, EucalyptusInstanceTypesKeepTheirNamespacePrefix) {
  std::string xml = ReadFileOrDie(SpecPath(kLibcloudDir + "describe_instance_types.xml"));
  auto root = ParseXml(xml);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->name, "euca:DescribeInstanceTypesResponseType");
  const XmlElement* details = root->Child("euca:instanceTypeDetails");
  ASSERT_NE(details, nullptr);
  std::vector<const XmlElement*> items = details->ChildrenNamed("euca:item");
  ASSERT_EQ(items.size(), 18u);
  EXPECT_EQ(items[0]->ChildText("euca:name"), "m1.small");
  EXPECT_EQ(items[17]->ChildText("name"), "hs1.8xlarge");
  EXPECT_EQ(items[17]->ChildText("memory"), "119808");
  // Not an EC2 response: the operation parsers refuse it rather than return nothing.
  EXPECT_TRUE(ParseDescribeInstances(xml).status().IsInvalidArgument());
  EXPECT_TRUE(ParseEc2Error(xml).status().IsInvalidArgument());
}

// A state code beyond int wrapped around instead of failing (found while fuzzing).
TEST(Ec2LibcloudTest, StateCodeOutsideIntIsInvalidArgument) {
  std::string run = ReadFileOrDie(SpecPath(kLibcloudDir + "run_instances.xml"));
  ASSERT_TRUE(ParseRunInstances(run).ok());
  const size_t code = run.find("<code>0</code>");
  ASSERT_NE(code, std::string::npos);
  run.replace(code, 14, "<code>4294967296</code>");  // wraps to 0 as an int
  EXPECT_TRUE(ParseRunInstances(run).status().IsInvalidArgument());
}

TEST(Ec2LibcloudTest, StateReasonCodesMapToTerminationReasons) {
  EXPECT_EQ(Ec2TerminationReason("Server.SpotInstanceTermination"), TerminationReason::kPreempted);
  EXPECT_EQ(Ec2TerminationReason("Server.SpotInstanceShutdown"), TerminationReason::kPreempted);
  EXPECT_EQ(Ec2TerminationReason("Client.UserInitiatedShutdown"), TerminationReason::kUser);
  EXPECT_EQ(Ec2TerminationReason("Client.InstanceInitiatedShutdown"), TerminationReason::kUser);
  EXPECT_EQ(Ec2TerminationReason("Server.InsufficientInstanceCapacity"),
            TerminationReason::kCapacity);
  EXPECT_EQ(Ec2TerminationReason("Server.InternalError"), TerminationReason::kHostFailure);
  EXPECT_EQ(Ec2TerminationReason("Server.ScheduledStop"), TerminationReason::kHostFailure);
  EXPECT_EQ(Ec2TerminationReason("Client.VolumeLimitExceeded"), TerminationReason::kUnknown);
  EXPECT_EQ(Ec2InstanceState("shutting-down"), InstanceState::kStopping);
  EXPECT_EQ(Ec2InstanceState("terminated"), InstanceState::kTerminated);
  EXPECT_EQ(Ec2InstanceState("running"), InstanceState::kRunning);
}

}  // namespace
}  // namespace sky::providers::aws
