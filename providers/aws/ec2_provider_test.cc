// The EC2 adapter against a scripted HTTP server on 127.0.0.1 that replays recorded EC2
// responses (libcloud's and botocore's). Every request is checked for its Query parameters
// and for a SigV4 signature recomputed here with our signer.
#include "sky/providers/aws/ec2_provider.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "providers/auth/sigv4.h"
#include "providers/aws/ec2_query.h"
#include "providers/aws/ec2_test_util.h"
#include "sky/providers/http/curl_http_client.h"
#include "sky/types/csv.h"
#include "tests/support/test_http_server.h"

namespace sky::providers::aws {
namespace {

using testing::ReadFileOrDie;
using testing::SpecPath;

constexpr double kNow = 1654041600;  // 2022-06-01T00:00:00Z

std::string Recorded(const std::string& name) {
  return ReadFileOrDie(SpecPath("recorded/libcloud-ec2/" + name));
}

std::string Botocore(const std::string& name) {
  return ReadFileOrDie(SpecPath("aws-ec2/botocore-response-parsing/" + name));
}

std::string ErrorBody(const std::string& code) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code +
         "</Code><Message>from the test</Message></Error></Errors>"
         "<RequestID>req-1</RequestID></Response>";
}

std::map<std::string, std::string> FormParams(const std::string& body) {
  std::map<std::string, std::string> params;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    size_t eq = pair.find('=');
    params[PercentDecode(pair.substr(0, eq))] =
        eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1));
    start = end + 1;
  }
  return params;
}

class Ec2ProviderTest : public ::testing::Test {
 protected:
  Ec2ProviderTest() : clock_(kNow) {
    credentials_.access_key_id = "AKIDEXAMPLE";
    credentials_.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    credentials_.session_token = "session-token-example";
    credentials_.source = "test";
  }

  // Starts a server playing `script` and a provider pointed at it.
  void Start(std::vector<ScriptedReply> script, Ec2Config config = {}) {
    auto server = TestHttpServer::Start(std::move(script));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    config.endpoint = server_->Url("");
    config.credentials = credentials_;
    config.wall_clock = &clock_;
    config.image_id = "ami-0123456789abcdef0";
    config.retry.sleep = [](std::chrono::milliseconds) {};
    auto provider = NewEc2Provider(config, std::make_unique<CurlHttpClient>());
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    provider_ = std::move(provider).value();
  }

  // The Query parameters of request `i`, after checking its method, path and signature.
  std::map<std::string, std::string> Request(size_t i) {
    std::vector<RecordedRequest> requests = server_->requests();
    EXPECT_LT(i, requests.size());
    if (i >= requests.size()) return {};
    const RecordedRequest& request = requests[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/");
    ExpectSignedBySigV4(request);
    auto params = FormParams(request.body);
    EXPECT_EQ(params["Version"], "2016-11-15");
    return params;
  }

  // Recomputes the signature from the request as received and compares.
  void ExpectSignedBySigV4(const RecordedRequest& request) const {
    const std::string* authorization = FindHeader(request.headers, "Authorization");
    ASSERT_NE(authorization, nullptr);
    EXPECT_NE(authorization->find("Credential=AKIDEXAMPLE/20220601/us-east-1/ec2/aws4_request"),
              std::string::npos)
        << *authorization;
    size_t start = authorization->find("SignedHeaders=") + 14;
    std::string signed_headers =
        authorization->substr(start, authorization->find(',', start) - start);
    auth::SigV4Input input;
    input.method = request.method;
    input.path = request.target;
    input.payload = request.body;
    size_t from = 0;
    while (from <= signed_headers.size()) {
      size_t to = signed_headers.find(';', from);
      if (to == std::string::npos) to = signed_headers.size();
      std::string name = signed_headers.substr(from, to - from);
      const std::string* value = FindHeader(request.headers, name);
      ASSERT_NE(value, nullptr) << name;
      input.headers.emplace_back(name, *value);
      from = to + 1;
    }
    for (const char* must : {"host", "x-amz-date", "x-amz-security-token", "content-type"}) {
      EXPECT_NE(signed_headers.find(must), std::string::npos) << must << " not signed";
    }
    auto expected = auth::SignV4(input, credentials_, {"us-east-1", "ec2"}, kNow);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    EXPECT_EQ(*authorization, expected->authorization);
    EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Security-Token"), "session-token-example");
  }

  static Offer SpotOffer() {
    Offer offer;
    offer.provider = "aws";
    offer.region = "us-east-1";
    offer.zone = "us-east-1b";
    offer.instance_type = "m1.small";
    offer.market = Market::kSpot;
    offer.id = MakeOfferId(offer);
    return offer;
  }

  ManualClock clock_;
  auth::AwsCredentials credentials_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<Provider> provider_;
};

TEST_F(Ec2ProviderTest, LaunchSpotSendsSignedRunInstancesWithTokenTagsAndUserData) {
  Start({ScriptedReply::Respond(200, Recorded("run_instances_spot.xml"))});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.idempotency_key = "p1/train/1";
  request.startup_script = "#!/bin/bash\necho train\n";
  request.tags = {{"skybroker-pipeline", "p1"}, {"skybroker-stage", "train"}};
  auto instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "i-2ba64344");
  EXPECT_EQ(instance->market, Market::kSpot);
  EXPECT_EQ(instance->state, InstanceState::kPending);
  EXPECT_EQ(instance->zone, "us-east-1b");

  auto params = Request(0);
  EXPECT_EQ(params["Action"], "RunInstances");
  EXPECT_EQ(params["ImageId"], "ami-0123456789abcdef0");
  EXPECT_EQ(params["InstanceType"], "m1.small");
  EXPECT_EQ(params["MinCount"], "1");
  EXPECT_EQ(params["MaxCount"], "1");
  EXPECT_EQ(params["ClientToken"], "p1/train/1");
  EXPECT_EQ(params["UserData"], Base64Encode("#!/bin/bash\necho train\n"));
  EXPECT_EQ(params["Placement.AvailabilityZone"], "us-east-1b");
  EXPECT_EQ(params["InstanceMarketOptions.MarketType"], "spot");
  EXPECT_EQ(params["InstanceMarketOptions.SpotOptions.SpotInstanceType"], "one-time");
  EXPECT_EQ(params["InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"], "terminate");
  EXPECT_EQ(params["TagSpecification.1.ResourceType"], "instance");
  EXPECT_EQ(params["TagSpecification.1.Tag.1.Key"], "skybroker-offer");
  EXPECT_EQ(params["TagSpecification.1.Tag.1.Value"], "aws:us-east-1:us-east-1b/m1.small/spot");
  EXPECT_EQ(params["TagSpecification.1.Tag.2.Key"], "skybroker-pipeline");
  EXPECT_EQ(params["TagSpecification.1.Tag.2.Value"], "p1");
  EXPECT_EQ(params["TagSpecification.1.Tag.3.Key"], "skybroker-stage");
  EXPECT_EQ(params["TagSpecification.1.Tag.3.Value"], "train");
}

TEST_F(Ec2ProviderTest, OnDemandLaunchHashesALongIdempotencyKey) {
  Start({ScriptedReply::Respond(200, Recorded("run_instances.xml"))});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.offer.market = Market::kOnDemand;
  request.idempotency_key = std::string(100, 'x');
  auto instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "i-2ba64342");
  EXPECT_EQ(instance->market, Market::kOnDemand);
  auto params = Request(0);
  EXPECT_EQ(params["ClientToken"],
            "09ecb6ebc8bcefc733f6f2ec44f791abeed6a99edf0cc31519637898aebd52d8");
  EXPECT_EQ(params.count("InstanceMarketOptions.MarketType"), 0u);
}

TEST_F(Ec2ProviderTest, ThrottledLaunchIsRetriedWithTheSameClientToken) {
  Start({ScriptedReply::Respond(503, ErrorBody("RequestLimitExceeded")),
         ScriptedReply::Respond(200, Recorded("run_instances_spot.xml"))});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.idempotency_key = "p1/train/1";
  auto instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "i-2ba64344");
  ASSERT_EQ(server_->connections(), 2);
  EXPECT_EQ(Request(0)["ClientToken"], "p1/train/1");
  EXPECT_EQ(Request(1)["ClientToken"], "p1/train/1");
}

TEST_F(Ec2ProviderTest, PersistentThrottlingEndsUnavailableThrottled) {
  Ec2Config config;
  config.retry.max_attempts = 3;
  Start({ScriptedReply::Respond(503, ErrorBody("RequestLimitExceeded"))}, config);
  auto instances = provider_->Describe({"i-1"});
  EXPECT_TRUE(instances.status().IsUnavailable()) << instances.status().ToString();
  EXPECT_EQ(instances.status().reason(), "throttled");
  EXPECT_EQ(server_->connections(), 3);
}

// The retrying client gives up on a Retry-After above its limit and hands the response back:
// the throttling code still maps to "throttled" (no code is read back out of a message).
TEST_F(Ec2ProviderTest, ThrottlingWithRetryAfterAboveTheLimitEndsThrottledAtOnce) {
  Ec2Config config;
  config.retry.max_retry_after = std::chrono::milliseconds(5000);
  Start({ScriptedReply::Respond(503, ErrorBody("RequestLimitExceeded"), {{"Retry-After", "3600"}})},
        config);
  auto instances = provider_->Describe({"i-1"});
  EXPECT_TRUE(instances.status().IsUnavailable()) << instances.status().ToString();
  EXPECT_EQ(instances.status().reason(), "throttled");
  EXPECT_NE(instances.status().message().find("RequestLimitExceeded"), std::string::npos);
  EXPECT_EQ(server_->connections(), 1);
}

TEST_F(Ec2ProviderTest, CapacityErrorIn500IsNotRetriedAndFailsOverAsCapacity) {
  Start({ScriptedReply::Respond(500, ErrorBody("InsufficientInstanceCapacity")),
         ScriptedReply::Respond(200, Recorded("run_instances_spot.xml"))});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.idempotency_key = "k";
  auto instance = provider_->Launch(request);
  EXPECT_TRUE(instance.status().IsResourceExhausted()) << instance.status().ToString();
  EXPECT_EQ(instance.status().reason(), "capacity");
  EXPECT_EQ(server_->connections(), 1);
}

TEST_F(Ec2ProviderTest, QuotaAuthAndInvalidErrorsMapToTheirCodes) {
  Start({ScriptedReply::Respond(400, ErrorBody("VcpuLimitExceeded")),
         ScriptedReply::Respond(401, ErrorBody("AuthFailure")),
         ScriptedReply::Respond(403, ErrorBody("UnauthorizedOperation")),
         ScriptedReply::Respond(400, ErrorBody("InvalidParameterValue"))});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.idempotency_key = "k";
  Status quota = provider_->Launch(request).status();
  EXPECT_TRUE(quota.IsResourceExhausted());
  EXPECT_EQ(quota.reason(), "quota");
  EXPECT_TRUE(provider_->Launch(request).status().IsUnauthenticated());
  EXPECT_TRUE(provider_->Launch(request).status().IsPermissionDenied());
  EXPECT_TRUE(provider_->Launch(request).status().IsInvalidArgument());
  EXPECT_EQ(server_->connections(), 4);
}

TEST_F(Ec2ProviderTest, LaunchRefusesOffersOfOtherRegionsWithoutCallingEc2) {
  Start({ScriptedReply::Respond(500)});
  LaunchRequest request;
  request.offer = SpotOffer();
  request.offer.region = "eu-west-1";
  request.idempotency_key = "k";
  EXPECT_TRUE(provider_->Launch(request).status().IsInvalidArgument());
  request.offer = SpotOffer();
  request.idempotency_key = "";
  EXPECT_TRUE(provider_->Launch(request).status().IsInvalidArgument());
  EXPECT_EQ(server_->connections(), 0);
}

TEST_F(Ec2ProviderTest, DescribeMapsRecordedInstancesAndSendsTheirIds) {
  Start({ScriptedReply::Respond(200, Recorded("describe_instances.xml"))});
  auto instances = provider_->Describe({"i-4382922a", "i-8474834a"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  ASSERT_EQ(instances->size(), 2u);
  const Instance& first = (*instances)[0];
  EXPECT_EQ(first.id, "i-4382922a");
  EXPECT_EQ(first.provider, "aws");
  EXPECT_EQ(first.region, "us-east-1");
  EXPECT_EQ(first.zone, "us-east-1d");
  EXPECT_EQ(first.state, InstanceState::kStopping);
  EXPECT_EQ(first.reason, TerminationReason::kUser);
  EXPECT_EQ(first.public_ip, "1.2.3.4");
  EXPECT_EQ(first.private_ip, "10.211.11.211");
  EXPECT_EQ((*instances)[1].tags.at("Name"), "Test Server 2");
  auto params = Request(0);
  EXPECT_EQ(params["Action"], "DescribeInstances");
  EXPECT_EQ(params["InstanceId.1"], "i-4382922a");
  EXPECT_EQ(params["InstanceId.2"], "i-8474834a");
  EXPECT_EQ(params.count("MaxResults"), 0u);
}

TEST_F(Ec2ProviderTest, DescribeOfAnUnknownInstanceIsNotFound) {
  Start({ScriptedReply::Respond(400, ErrorBody("InvalidInstanceID.NotFound")),
         ScriptedReply::Respond(200, Recorded("describe_instances.xml"))});
  EXPECT_TRUE(provider_->Describe({"i-00000000"}).status().IsNotFound());
  // EC2 answered, but without the asked-for id.
  EXPECT_TRUE(provider_->Describe({"i-4382922a", "i-missing"}).status().IsNotFound());
}

TEST_F(Ec2ProviderTest, SpotInstanceTerminationIsPreempted) {
  // The recorded response, its first instance edited into a terminated spot instance with the
  // state reason EC2 gives an interrupted spot instance.
  std::string body = Recorded("describe_instances.xml");
  auto replace = [&body](const std::string& from, const std::string& to) {
    size_t at = body.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    body.replace(at, from.size(), to);
  };
  replace("<code>80</code>\n                        <name>stopped</name>",
          "<code>48</code>\n                        <name>terminated</name>");
  replace("<code>Client.UserInitiatedShutdown</code>",
          "<code>Server.SpotInstanceTermination</code>");
  replace("<imageId>ami-3215fe5a</imageId>",
          "<imageId>ami-3215fe5a</imageId><instanceLifecycle>spot</instanceLifecycle>");
  Start({ScriptedReply::Respond(200, body)});
  auto instances = provider_->Describe({"i-4382922a", "i-8474834a"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ((*instances)[0].state, InstanceState::kTerminated);
  EXPECT_EQ((*instances)[0].reason, TerminationReason::kPreempted);
  EXPECT_EQ((*instances)[0].market, Market::kSpot);
  EXPECT_EQ((*instances)[1].reason, TerminationReason::kUser);
}

TEST_F(Ec2ProviderTest, ListByTagFiltersOnTheTagAndFollowsNextToken) {
  std::string first_page = Recorded("describe_instances.xml");
  first_page.insert(first_page.rfind("</DescribeInstancesResponse>"),
                    "<nextToken>page/2+token=</nextToken>");
  Start({ScriptedReply::Respond(200, first_page),
         ScriptedReply::Respond(200, Recorded("describe_instances.xml"))});
  auto instances = provider_->ListByTag("skybroker-pipeline", "p1");
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ(instances->size(), 4u);
  auto first = Request(0);
  EXPECT_EQ(first["Filter.1.Name"], "tag:skybroker-pipeline");
  EXPECT_EQ(first["Filter.1.Value.1"], "p1");
  EXPECT_EQ(first["MaxResults"], "1000");
  EXPECT_EQ(first.count("NextToken"), 0u);
  EXPECT_EQ(Request(1)["NextToken"], "page/2+token=");
}

TEST_F(Ec2ProviderTest, TerminateSendsTheIdAndToleratesGoneInstances) {
  Start({ScriptedReply::Respond(200, Recorded("terminate_instances.xml")),
         ScriptedReply::Respond(400, ErrorBody("InvalidInstanceID.NotFound")),
         ScriptedReply::Respond(400, ErrorBody("InvalidInstanceID.Malformed"))});
  EXPECT_TRUE(provider_->Terminate("i-4382922a").ok());
  auto params = Request(0);
  EXPECT_EQ(params["Action"], "TerminateInstances");
  EXPECT_EQ(params["InstanceId.1"], "i-4382922a");
  EXPECT_TRUE(provider_->Terminate("i-4382922b").ok());
  EXPECT_TRUE(provider_->Terminate("bad").IsInvalidArgument());
}

TEST_F(Ec2ProviderTest, SpotPriceHistoryFollowsNextTokenAcrossPages) {
  std::string first_page = Botocore("ec2-describe-spot-price-history.xml");
  std::string last_page = first_page;
  size_t token = last_page.find("<nextToken>");
  last_page.erase(token, last_page.find("</nextToken>") + 12 - token);
  Start({ScriptedReply::Respond(200, first_page), ScriptedReply::Respond(200, last_page)});
  auto* source = dynamic_cast<SpotPriceSource*>(provider_.get());
  ASSERT_NE(source, nullptr);
  SpotPriceQuery query;
  query.instance_types = {"m1.small", "m1.large"};
  query.start_seconds = kNow - 3600;
  auto points = source->DescribeSpotPriceHistory(query);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  EXPECT_EQ(points->size(), 2000u);
  EXPECT_EQ((*points)[0].availability_zone, "us-west-2b");
  EXPECT_DOUBLE_EQ((*points)[0].price_per_hour, 0.01);
  auto first = Request(0);
  EXPECT_EQ(first["Action"], "DescribeSpotPriceHistory");
  EXPECT_EQ(first["InstanceType.1"], "m1.small");
  EXPECT_EQ(first["InstanceType.2"], "m1.large");
  EXPECT_EQ(first["ProductDescription.1"], "Linux/UNIX");
  EXPECT_EQ(first["StartTime"], "2022-05-31T23:00:00Z");
  EXPECT_EQ(first["MaxResults"], "1000");
  EXPECT_EQ(Request(1)["NextToken"],
            "Qj9iZzP9N1Vh5jjNyad6X73sizWaPtVQ6328oKe9/GbmNSbOFX1TIhQaz5vok0nu");

  query.max_points = 10;
  Start({ScriptedReply::Respond(200, first_page)});
  source = dynamic_cast<SpotPriceSource*>(provider_.get());
  EXPECT_EQ(source->DescribeSpotPriceHistory(query)->size(), 10u);
  EXPECT_EQ(server_->connections(), 1);
}

TEST_F(Ec2ProviderTest, EndpointAndCredentialsComeFromTheEnvironment) {
  auto server =
      TestHttpServer::Start({ScriptedReply::Respond(200, Recorded("terminate_instances.xml"))});
  ASSERT_TRUE(server.ok());
  std::map<std::string, std::string> env = {{"SKYBROKER_AWS_ENDPOINT", (*server)->Url("/")},
                                            {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                            {"AWS_SECRET_ACCESS_KEY", "secret"}};
  Ec2Config config;
  config.env = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  config.wall_clock = &clock_;
  EXPECT_EQ(ResolveEc2Endpoint(config), (*server)->Url(""));
  auto provider = NewEc2Provider(config, std::make_unique<CurlHttpClient>());
  ASSERT_TRUE(provider.ok()) << provider.status().ToString();
  EXPECT_TRUE((*provider)->Terminate("i-4382922a").ok());
  EXPECT_EQ((*server)->connections(), 1);

  env.clear();
  config.region = "eu-west-1";
  EXPECT_EQ(ResolveEc2Endpoint(config), "https://ec2.eu-west-1.amazonaws.com");
  EXPECT_TRUE(
      NewEc2Provider(config, std::make_unique<CurlHttpClient>()).status().IsUnauthenticated());
  config.endpoint = "ftp://example.com";
  config.credentials = credentials_;
  EXPECT_TRUE(
      NewEc2Provider(config, std::make_unique<CurlHttpClient>()).status().IsInvalidArgument());
}

// Spot prices of us-east-1 from the real DescribeSpotPriceHistory dump (2022-05-31), as an
// EC2 response. The dump names zones by AZ id only; the zone names here (use1-azN ->
// us-east-1<letter N>) are a stand-in for the per-account mapping EC2 would send.
struct SpotDump {
  std::string xml;
  // (AZ id, type) -> newest Linux/UNIX price, computed here independently of the adapter.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, double>> newest;
  std::map<std::string, std::set<std::string>> zones_of_type;  // zone names
};

std::string ZoneName(const std::string& az_id) {
  return "us-east-1" + std::string(1, static_cast<char>('a' + std::stoi(az_id.substr(7)) - 1));
}

SpotDump ReadSpotDump(const std::set<std::string>& types) {
  std::ifstream in(std::string(SKY_SHARED_DIR) +
                   "/data/spot_traces/aws_spot_price_history/prices_2022-05.tsv");
  SpotDump dump;
  dump.xml =
      "<DescribeSpotPriceHistoryResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>r</requestId><spotPriceHistorySet>";
  std::string az, type, product, price, timestamp;
  while (std::getline(in, az, '\t') && std::getline(in, type, '\t') &&
         std::getline(in, product, '\t') && std::getline(in, price, '\t') &&
         std::getline(in, timestamp)) {
    if (az.rfind("use1-", 0) != 0 || types.count(type) == 0) continue;
    dump.xml += "<item><instanceType>" + type + "</instanceType><productDescription>" + product +
                "</productDescription><spotPrice>" + price + "</spotPrice><timestamp>" + timestamp +
                "</timestamp><availabilityZone>" + ZoneName(az) +
                "</availabilityZone><availabilityZoneId>" + az + "</availabilityZoneId></item>";
    if (product != "Linux/UNIX") continue;
    dump.zones_of_type[type].insert(ZoneName(az));
    auto& slot = dump.newest[{az, type}];
    if (timestamp >= slot.first) slot = {timestamp, std::stod(price)};
  }
  dump.xml += "</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>";
  return dump;
}

// The instance types of us-east-1 in the real on-demand price table (aws_gpu_vantage).
std::vector<Ec2InstanceTypeInfo> ReadTypes(const std::set<std::string>& types) {
  std::ifstream in(std::string(SKY_SHARED_DIR) +
                   "/data/catalog/aws_gpu_vantage/aws_gpu_prices_by_region.csv");
  std::vector<Ec2InstanceTypeInfo> out;
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = SplitCsvLine(line);
    if (f.size() < 10 || f[8] != "us-east-1" || types.count(f[0]) == 0) continue;
    Ec2InstanceTypeInfo info;
    info.instance_type = f[0];
    info.accelerator = f[1].substr(f[1].find(' ') + 1);  // "NVIDIA A10G" -> "A10G"
    info.accelerator_count = std::stoi(f[2]);
    info.vcpus = std::stod(f[4]);
    info.on_demand_price = std::stod(f[9]);
    out.push_back(info);
  }
  return out;
}

TEST_F(Ec2ProviderTest, ListOffersJoinsZoneOfferingsWithCurrentSpotPrices) {
  const std::set<std::string> types = {"p3.2xlarge", "p3.8xlarge", "g5.xlarge", "g4dn.12xlarge",
                                       "p4d.24xlarge"};
  SpotDump dump = ReadSpotDump(types);
  ASSERT_FALSE(dump.newest.empty());
  // Zone offerings: every zone the dump prices, minus one g5.xlarge zone (so that its spot
  // price must be dropped), plus p3.8xlarge (no spot prices: on-demand only) in us-east-1a.
  std::string dropped = *dump.zones_of_type["g5.xlarge"].begin();
  std::string offerings =
      "<DescribeInstanceTypeOfferingsResponse><requestId>r</requestId>"
      "<instanceTypeOfferingSet>";
  auto add = [&offerings](const std::string& type, const std::string& zone) {
    offerings += "<item><instanceType>" + type +
                 "</instanceType><locationType>availability-zone</locationType><location>" + zone +
                 "</location></item>";
  };
  for (const auto& [type, zones] : dump.zones_of_type) {
    for (const std::string& zone : zones) {
      if (!(type == "g5.xlarge" && zone == dropped)) add(type, zone);
    }
  }
  add("p3.8xlarge", "us-east-1a");
  offerings += "</instanceTypeOfferingSet></DescribeInstanceTypeOfferingsResponse>";

  Ec2Config config;
  config.instance_types = ReadTypes(types);
  ASSERT_EQ(config.instance_types.size(), 5u);
  Start({ScriptedReply::Respond(200, offerings), ScriptedReply::Respond(200, dump.xml)}, config);
  auto offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();

  size_t spot = 0, on_demand = 0;
  for (const Offer& offer : *offers) {
    SCOPED_TRACE(offer.id);
    EXPECT_EQ(offer.provider, "aws");
    EXPECT_EQ(offer.region, "us-east-1");
    EXPECT_FALSE(offer.available.has_value());
    EXPECT_EQ(offer.id, MakeOfferId(offer));
    if (offer.market == Market::kOnDemand) {
      ++on_demand;
      EXPECT_TRUE(offer.zone.empty());
      continue;
    }
    ++spot;
    auto expected = dump.newest.find({offer.zone, offer.instance_type});
    ASSERT_NE(expected, dump.newest.end());
    EXPECT_DOUBLE_EQ(offer.price_per_hour, expected->second.second);
    EXPECT_EQ(offer.observed_at, expected->second.first);
    EXPECT_FALSE(offer.instance_type == "g5.xlarge" && ZoneName(offer.zone) == dropped);
  }
  size_t expected_spot = 0;
  for (const auto& [key, newest] : dump.newest) {
    bool is_dropped = key.second == "g5.xlarge" && ZoneName(key.first) == dropped;
    expected_spot += newest.second > 0 && !is_dropped ? 1 : 0;
  }
  EXPECT_EQ(spot, expected_spot);
  EXPECT_EQ(on_demand, 5u);
  std::cout << "ListOffers over the real us-east-1 spot dump: " << spot << " spot offers, "
            << on_demand << " on-demand offers\n";
  for (const Offer& offer : *offers) {
    if (offer.instance_type == "p4d.24xlarge" && offer.market == Market::kOnDemand) {
      EXPECT_EQ(offer.accelerator, "A100");
      EXPECT_EQ(offer.accelerator_count, 8);
      EXPECT_DOUBLE_EQ(offer.price_per_hour, 21.957642);
    }
  }
  auto first = Request(0);
  EXPECT_EQ(first["Action"], "DescribeInstanceTypeOfferings");
  EXPECT_EQ(first["LocationType"], "availability-zone");
  EXPECT_EQ(first["Filter.1.Name"], "instance-type");
  auto second = Request(1);
  EXPECT_EQ(second["Action"], "DescribeSpotPriceHistory");
  EXPECT_EQ(second["StartTime"], "2022-06-01T00:00:00Z");
}

}  // namespace
}  // namespace sky::providers::aws
