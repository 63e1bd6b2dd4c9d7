// The GCP adapter against a scripted server on 127.0.0.1 that plays the recorded GCE responses
// (specs/recorded/libcloud-gce) and an OAuth2 token endpoint; every request the adapter sends is
// checked for method, path, query, bearer token and body shape.

#include "sky/providers/gcp/gcp_provider.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "providers/gcp/gcp_names.h"
#include "providers/gcp/gcp_test_util.h"
#include "sky/providers/http/curl_http_client.h"
#include "tests/support/test_http_server.h"

namespace sky::providers::gcp {
namespace {

using gcptest::ReadRecorded;
using nlohmann::json;

constexpr char kToken[] = "ya29.c.test-access-token";
constexpr char kZonePath[] = "/compute/v1/projects/proj-1/zones/us-central1-a";

ScriptedReply Json(int status, const std::string& body) {
  return ScriptedReply::Respond(status, body, {{"Content-Type", "application/json"}});
}
ScriptedReply TokenReply() {
  return Json(
      200, json({{"access_token", kToken}, {"expires_in", 3599}, {"token_type", "Bearer"}}).dump());
}
ScriptedReply NotFoundReply() {
  return Json(404, R"({"error": {"code": 404, "message": "The resource was not found",
                      "errors": [{"reason": "notFound", "domain": "global"}]}})");
}
ScriptedReply Recorded(const std::string& file) { return Json(200, ReadRecorded(file)); }

// The recorded instance as GCE returns it for an instance the adapter created.
json CreatedInstance(const std::string& name, const std::string& status, bool spot) {
  json j = json::parse(ReadRecorded("zones_us-central1-a_instances_node-name.json"));
  j["name"] = name;
  j["status"] = status;
  j["labels"] = {{"skybroker-pipeline", "p1"}, {"skybroker-stage", "train"}};
  if (spot) {
    j["scheduling"] = {{"provisioningModel", "SPOT"},
                       {"instanceTerminationAction", "DELETE"},
                       {"automaticRestart", false},
                       {"onHostMaintenance", "TERMINATE"}};
  }
  return j;
}

// A zoneOperations.list answer holding one compute.instances.preempted operation on `name`.
std::string PreemptedOps(const std::string& name) {
  json op =
      json::parse(ReadRecorded("operations_operation_zones_us-central1-a_instances_post.json"));
  op["operationType"] = "compute.instances.preempted";
  op["name"] = "systemevent-1767225000000-preempted";
  op["targetLink"] =
      "https://www.googleapis.com/compute/v1/projects/proj-1/zones/us-central1-a/"
      "instances/" +
      name;
  op["targetId"] = "";
  op["user"] = "system";
  return json({{"kind", "compute#operationList"}, {"items", json::array({op})}}).dump();
}

// The insert request of SpotT4Request(): JSON with GCE-valid name and labels, SPOT scheduling,
// the T4 attached, and the startup script as metadata.
void ExpectSpotT4InsertBody(const RecordedRequest& insert, const std::string& name,
                            const LaunchRequest& request) {
  EXPECT_EQ(*FindHeader(insert.headers, "Content-Type"), "application/json");
  const json body = json::parse(insert.body);
  EXPECT_EQ(body["name"], name);
  EXPECT_TRUE(IsValidResourceName(body["name"].get<std::string>()));
  EXPECT_EQ(body["machineType"], "zones/us-central1-a/machineTypes/n1-highmem-8");
  EXPECT_EQ(body["scheduling"]["provisioningModel"], "SPOT");
  EXPECT_EQ(body["scheduling"]["instanceTerminationAction"], "DELETE");
  EXPECT_EQ(body["guestAccelerators"][0]["acceleratorType"],
            "zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4");
  EXPECT_EQ(body["guestAccelerators"][0]["acceleratorCount"], 1);
  EXPECT_EQ(body["labels"], json({{"skybroker-pipeline", "p1"}, {"skybroker-stage", "train"}}));
  for (const auto& [key, value] : body["labels"].items()) {
    EXPECT_TRUE(IsValidLabelKey(key)) << key;
    EXPECT_TRUE(IsValidLabelValue(value.get<std::string>())) << value;
  }
  EXPECT_EQ(body["metadata"]["items"][0]["key"], "startup-script");
  EXPECT_EQ(body["metadata"]["items"][0]["value"], request.startup_script);
}

class GcpProviderTest : public ::testing::Test {
 protected:
  // Starts the server (token endpoint first) and builds the adapter against it.
  void Start(std::vector<ScriptedReply> script) {
    script.insert(script.begin(), TokenReply());
    auto server = TestHttpServer::Start(std::move(script));
    ASSERT_TRUE(server.ok());
    server_ = std::move(server).value();
    GcpConfig config;
    config.endpoint = server_->Url("/compute/v1");
    config.credentials_file = gcptest::WriteServiceAccountKeyFile(keys_->private_pem, "proj-1",
                                                                  server_->Url("/oauth2/token"));
    config.zones = {"us-central1-a"};
    config.clock = &clock_;
    config.poll_interval_seconds = 2;
    config.operation_timeout_seconds = 10;
    config.sleep = [this](double seconds) {
      clock_.Advance(seconds);
      ++sleeps_;
    };
    config.catalog_offers = catalog_offers_;
    auto provider = NewGcpProvider(config, std::make_unique<CurlHttpClient>());
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    provider_ = std::move(provider).value();
  }

  static LaunchRequest SpotT4Request() {
    LaunchRequest request;
    request.offer.provider = "gcp";
    request.offer.region = "us-central1";
    request.offer.zone = "us-central1-a";
    request.offer.instance_type = "n1-highmem-8";
    request.offer.accelerator = "T4";
    request.offer.accelerator_count = 1;
    request.offer.market = Market::kSpot;
    request.offer.id = MakeOfferId(request.offer, true);
    request.idempotency_key = "P1/train/Attempt-1";
    request.startup_script = "#!/bin/bash\n/opt/skybroker/run-stage train\n";
    request.tags = {{"skybroker-pipeline", "P1"}, {"skybroker-stage", "train"}};
    return request;
  }

  static std::string NameFor(const LaunchRequest& request) {
    return *InstanceNameForKey(request.idempotency_key);
  }

  std::vector<RecordedRequest> Requests() const { return server_->requests(); }

  // Every request after the token POST carries the bearer token.
  void ExpectBearerOnApiCalls() const {
    const auto requests = Requests();
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].target, "/oauth2/token");
    for (size_t i = 1; i < requests.size(); ++i) {
      const std::string* auth = FindHeader(requests[i].headers, "Authorization");
      ASSERT_NE(auth, nullptr) << requests[i].target;
      EXPECT_EQ(*auth, std::string("Bearer ") + kToken);
    }
  }

  const gcptest::RsaKeyPair* const keys_ = &gcptest::SharedRsaKeyPair();
  ManualClock clock_{1'767'225'600};
  int sleeps_ = 0;
  std::vector<Offer> catalog_offers_;
  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<Provider> provider_;
};

TEST_F(GcpProviderTest, LaunchSpotT4InsertsPollsTheZoneOperationAndReturnsTheInstance) {
  const LaunchRequest request = SpotT4Request();
  const std::string name = NameFor(request);
  Start({NotFoundReply(), Recorded("zones_us-central1-a_instances_post.json"),
         Recorded("operations_operation_zones_us-central1-a_instances_post.json"),
         Json(200, CreatedInstance(name, "RUNNING", true).dump())});
  const Result<Instance> instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "us-central1-a/" + name);
  EXPECT_EQ(instance->provider, "gcp");
  EXPECT_EQ(instance->region, "us-central1");
  EXPECT_EQ(instance->zone, "us-central1-a");
  EXPECT_EQ(instance->market, Market::kSpot);
  EXPECT_EQ(instance->state, InstanceState::kRunning);
  EXPECT_EQ(instance->reason, TerminationReason::kNone);
  EXPECT_EQ(instance->public_ip, "23.236.58.15");
  EXPECT_EQ(instance->private_ip, "10.240.72.75");
  EXPECT_EQ(instance->offer_id, "gcp:us-central1:us-central1-a/n1-highmem-8+T4x1/spot");
  EXPECT_EQ(instance->tags.at("skybroker-pipeline"), "p1");
  EXPECT_DOUBLE_EQ(instance->launched_at_seconds, 1386960323.351);
  EXPECT_EQ(sleeps_, 1);

  ExpectBearerOnApiCalls();
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].target, std::string(kZonePath) + "/instances/" + name);
  EXPECT_EQ(requests[2].method, "POST");
  const std::regex insert_target(std::string(kZonePath) +
                                 "/instances\\?requestId=[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-"
                                 "[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(requests[2].target, insert_target)) << requests[2].target;
  EXPECT_EQ(requests[2].target.substr(requests[2].target.find('=') + 1),
            *RequestIdForKey(request.idempotency_key));
  ExpectSpotT4InsertBody(requests[2], name, request);
  EXPECT_EQ(requests[3].method, "GET");
  EXPECT_EQ(requests[3].target,
            std::string(kZonePath) + "/operations/operation-zones_us-central1-a_instances_post");
  EXPECT_EQ(requests[4].target, std::string(kZonePath) + "/instances/" + name);
}

TEST_F(GcpProviderTest, OnDemandA100InsertHasNoSpotSchedulingAndNoAttachedGpu) {
  LaunchRequest request = SpotT4Request();
  request.offer.instance_type = "a2-highgpu-1g";
  request.offer.accelerator = "A100";
  request.offer.market = Market::kOnDemand;
  const std::string name = NameFor(request);
  Start({NotFoundReply(), Recorded("zones_us-central1-a_instances_post.json"),
         Recorded("operations_operation_zones_us-central1-a_instances_post.json"),
         Json(200, CreatedInstance(name, "STAGING", false).dump())});
  const Result<Instance> instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->market, Market::kOnDemand);
  EXPECT_EQ(instance->state, InstanceState::kPending);
  const json body = json::parse(Requests().at(2).body);
  EXPECT_EQ(body["machineType"], "zones/us-central1-a/machineTypes/a2-highgpu-1g");
  EXPECT_FALSE(body["scheduling"].contains("provisioningModel"));
  EXPECT_EQ(body["scheduling"]["onHostMaintenance"], "TERMINATE");
  EXPECT_FALSE(body.contains("guestAccelerators"));
}

TEST_F(GcpProviderTest, RepeatedLaunchReturnsTheExistingInstanceWithoutInserting) {
  const LaunchRequest request = SpotT4Request();
  Start({Json(200, CreatedInstance(NameFor(request), "RUNNING", true).dump())});
  const Result<Instance> instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "us-central1-a/" + NameFor(request));
  EXPECT_EQ(Requests().size(), 2u);  // token + instances.get; no insert
}

TEST_F(GcpProviderTest, InsertConflictFallsBackToTheExistingInstance) {
  const LaunchRequest request = SpotT4Request();
  Start({NotFoundReply(), Json(409, R"({"error": {"code": 409, "message": "already exists",
                      "errors": [{"reason": "alreadyExists"}]}})"),
         Json(200, CreatedInstance(NameFor(request), "RUNNING", true).dump())});
  const Result<Instance> instance = provider_->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->state, InstanceState::kRunning);
}

TEST_F(GcpProviderTest, OperationErrorsMapToCapacityAndQuota) {
  auto failing_op = [](const std::string& code, int http) {
    json op =
        json::parse(ReadRecorded("operations_operation_zones_us-central1-a_instances_post.json"));
    op["httpErrorStatusCode"] = http;
    op["error"] = {{"errors", json::array({{{"code", code},
                                            {"message",
                                             "The zone does not have enough resources "
                                             "available to fulfill the request."}}})}};
    return Json(200, op.dump());
  };
  Start({NotFoundReply(), Recorded("zones_us-central1-a_instances_post.json"),
         failing_op("ZONE_RESOURCE_POOL_EXHAUSTED", 503)});
  const Status capacity = provider_->Launch(SpotT4Request()).status();
  EXPECT_TRUE(capacity.IsResourceExhausted()) << capacity.ToString();
  EXPECT_EQ(capacity.reason(), "capacity");

  Start({NotFoundReply(), Recorded("zones_us-central1-a_instances_post.json"),
         failing_op("QUOTA_EXCEEDED", 403)});
  const Status quota = provider_->Launch(SpotT4Request()).status();
  EXPECT_TRUE(quota.IsResourceExhausted()) << quota.ToString();
  EXPECT_EQ(quota.reason(), "quota");
}

TEST_F(GcpProviderTest, RateLimitedInsertIsThrottled) {
  Start({NotFoundReply(), Json(403, R"({"error": {"code": 403, "message": "Rate Limit Exceeded",
                      "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}]}})")});
  const Status status = provider_->Launch(SpotT4Request()).status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
  EXPECT_EQ(status.reason(), "throttled");
}

TEST_F(GcpProviderTest, OperationStillPendingAfterTheTimeoutIsDeadlineExceeded) {
  Start({NotFoundReply(), Recorded("zones_us-central1-a_instances_post.json")});
  const Status status = provider_->Launch(SpotT4Request()).status();
  EXPECT_TRUE(status.IsDeadlineExceeded()) << status.ToString();
  EXPECT_EQ(sleeps_, 5);  // 10 s timeout / 2 s interval
}

TEST_F(GcpProviderTest, DescribeRecordedInstance) {
  Start({Recorded("zones_us-central1-a_instances_node-name.json")});
  const auto instances = provider_->Describe({"us-central1-a/node-name"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  ASSERT_EQ(instances->size(), 1u);
  const Instance& instance = (*instances)[0];
  EXPECT_EQ(instance.id, "us-central1-a/node-name");
  EXPECT_EQ(instance.instance_type, "n1-standard-1");
  EXPECT_EQ(instance.market, Market::kOnDemand);
  EXPECT_EQ(instance.state, InstanceState::kRunning);
  EXPECT_EQ(instance.offer_id, "gcp:us-central1:us-central1-a/n1-standard-1/on_demand");
  EXPECT_EQ(Requests().at(1).target, std::string(kZonePath) + "/instances/node-name");
  ExpectBearerOnApiCalls();
  EXPECT_TRUE(provider_->Describe({"not-an-id"}).status().IsNotFound());
}

TEST_F(GcpProviderTest, TerminatedSpotInstanceWithPreemptedOperationIsPreempted) {
  Start({Json(200, CreatedInstance("node-name", "TERMINATED", true).dump()),
         Json(200, PreemptedOps("node-name"))});
  const auto instances = provider_->Describe({"us-central1-a/node-name"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ((*instances)[0].state, InstanceState::kTerminated);
  EXPECT_EQ((*instances)[0].reason, TerminationReason::kPreempted);
  EXPECT_EQ(Requests().at(2).method, "GET");
  EXPECT_EQ(Requests().at(2).target,
            std::string(kZonePath) +
                "/operations?filter=operationType%3D%22compute.instances.preempted%22");
  ExpectBearerOnApiCalls();
}

TEST_F(GcpProviderTest, StoppedSpotInstanceWithoutPreemptionIsUserTerminated) {
  Start({Json(200, CreatedInstance("node-name", "STOPPED", true).dump()),
         Json(200, PreemptedOps("another-instance"))});
  const auto instances = provider_->Describe({"us-central1-a/node-name"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ((*instances)[0].state, InstanceState::kTerminated);
  EXPECT_EQ((*instances)[0].reason, TerminationReason::kUser);
}

TEST_F(GcpProviderTest, DeletedSpotInstanceIsFoundThroughItsPreemptedOperation) {
  Start({NotFoundReply(), Json(200, PreemptedOps("sky-gone")), NotFoundReply(),
         Json(200, R"({"kind": "compute#operationList"})")});
  const auto instances = provider_->Describe({"us-central1-a/sky-gone"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ((*instances)[0].reason, TerminationReason::kPreempted);
  EXPECT_EQ((*instances)[0].market, Market::kSpot);
  EXPECT_TRUE(provider_->Describe({"us-central1-a/sky-never"}).status().IsNotFound());
}

TEST_F(GcpProviderTest, ListByTagFiltersOnTheSanitisedLabel) {
  Start({Recorded("zones_us-central1-a_instances.json")});
  const auto instances = provider_->ListByTag("skybroker-pipeline", "P1");
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  ASSERT_EQ(instances->size(), 1u);
  EXPECT_EQ((*instances)[0].id, "us-central1-a/node-name");
  EXPECT_EQ((*instances)[0].public_ip, "23.236.58.15");
  EXPECT_EQ(Requests().at(1).method, "GET");
  EXPECT_EQ(
      Requests().at(1).target,
      std::string(kZonePath) + "/instances?filter=labels.skybroker-pipeline%20%3D%20%22p1%22");
  ExpectBearerOnApiCalls();
}

TEST_F(GcpProviderTest, TerminateDeletesAndPollsTheDeleteOperation) {
  Start({Recorded("zones_us-central1-a_instances_node-name_delete.json"),
         Recorded("operations_operation_zones_us-central1-a_instances_node-name_delete.json"),
         NotFoundReply()});
  EXPECT_TRUE(provider_->Terminate("us-central1-a/node-name").ok());
  EXPECT_EQ(sleeps_, 1);
  EXPECT_TRUE(provider_->Terminate("us-central1-a/node-name").ok());  // already gone
  const auto requests = Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(requests[1].target, std::string(kZonePath) + "/instances/node-name");
  EXPECT_EQ(requests[2].target,
            std::string(kZonePath) +
                "/operations/operation-zones_us-central1-a_instances_node-name_delete");
  EXPECT_EQ(requests[3].method, "DELETE");
  ExpectBearerOnApiCalls();
}

TEST_F(GcpProviderTest, ExpiredTokenIsRefreshedOnceOn401) {
  Start({Json(401, R"({"error": {"code": 401, "message": "Invalid Credentials"}})"), TokenReply(),
         Recorded("zones_us-central1-a_instances_node-name.json")});
  const auto instances = provider_->Describe({"us-central1-a/node-name"});
  ASSERT_TRUE(instances.ok()) << instances.status().ToString();
  EXPECT_EQ(Requests().at(2).target, "/oauth2/token");
}

TEST_F(GcpProviderTest, ListOffersKeepsCatalogOffersWhoseZoneHasTheGpu) {
  Offer t4;
  t4.provider = "gcp";
  t4.region = "us-central1";
  t4.zone = "us-central1-a";
  t4.instance_type = "n1-highmem-8";
  t4.accelerator = "T4";
  t4.accelerator_count = 4;
  t4.market = Market::kSpot;
  t4.price_per_hour = 0.87;
  t4.id = MakeOfferId(t4, true);
  Offer t4x8 = t4;  // more T4s than one instance can take
  t4x8.accelerator_count = 8;
  t4x8.id = MakeOfferId(t4x8, true);
  Offer h100 = t4;
  h100.instance_type = "a3-highgpu-8g";
  h100.accelerator = "H100";
  h100.accelerator_count = 8;
  h100.id = MakeOfferId(h100);
  catalog_offers_ = {t4, t4x8, h100};
  Start({Json(200, R"({"kind": "compute#acceleratorTypeList", "items": [
      {"kind": "compute#acceleratorType", "name": "nvidia-tesla-t4", "description": "NVIDIA T4",
       "zone": "https://www.googleapis.com/compute/v1/projects/proj-1/zones/us-central1-a",
       "maximumCardsPerInstance": 4}]})")});
  const auto offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ((*offers)[0].id, "gcp:us-central1:us-central1-a/n1-highmem-8+T4x4/spot");
  EXPECT_DOUBLE_EQ((*offers)[0].price_per_hour, 0.87);
  EXPECT_EQ(Requests().at(1).target, std::string(kZonePath) + "/acceleratorTypes");
}

TEST(GcpProviderConfigTest, FactoryAndEnvironment) {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SKYBROKER_GCP_ENDPOINT") return "http://127.0.0.1:9/compute/v1";
    if (name == "SKYBROKER_GCP_ZONES") return "us-central1-a, us-east1-b";
    return std::nullopt;
  };
  const GcpConfig config = GcpConfigFromEnv(env);
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:9/compute/v1");
  EXPECT_EQ(config.zones, (std::vector<std::string>{"us-central1-a", "us-east1-b"}));
  EXPECT_EQ(
      GcpConfigFromEnv([](const std::string&) { return std::optional<std::string>(); }).endpoint,
      "https://compute.googleapis.com/compute/v1");
  GcpConfig no_zones = config;
  no_zones.zones.clear();
  EXPECT_TRUE(
      NewGcpProvider(no_zones, std::make_unique<CurlHttpClient>()).status().IsInvalidArgument());
  GcpConfig missing_key = config;
  missing_key.credentials_file = "/nonexistent/key.json";
  EXPECT_TRUE(
      NewGcpProvider(missing_key, std::make_unique<CurlHttpClient>()).status().IsNotFound());
}

}  // namespace
}  // namespace sky::providers::gcp
