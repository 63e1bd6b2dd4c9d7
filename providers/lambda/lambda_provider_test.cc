// LambdaProvider over a real CurlHttpClient against the scripted 127.0.0.1 server: the calls
// it makes, idempotent launch by name, error mapping, and what it remembers of its own
// terminations. (The Prism tests check the same calls against the vendor spec.)
#include "sky/providers/lambda/lambda_provider.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>

#include "providers/lambda/lambda_instance_name.h"
#include "sky/providers/http/curl_http_client.h"
#include "tests/support/test_http_server.h"

namespace sky::providers {
namespace {

using nlohmann::json;

json InstanceJson(const std::string& id, const std::string& name, const std::string& status) {
  return {{"id", id},
          {"name", name},
          {"ip", "198.51.100.2"},
          {"status", status},
          {"ssh_key_names", json::array({"skybroker"})},
          {"file_system_names", json::array()},
          {"region", {{"name", "us-east-1"}, {"description", "Virginia, USA"}}},
          {"instance_type",
           {{"name", "gpu_1x_a10"},
            {"description", "1x A10 (24 GB PCIe)"},
            {"gpu_description", "A10 (24 GB PCIe)"},
            {"price_cents_per_hour", 75},
            {"specs", {{"vcpus", 30}, {"memory_gib", 200}, {"storage_gib", 1400}, {"gpus", 1}}}}},
          {"actions", json::object()}};
}

ScriptedReply Json(int status, const json& body) {
  return ScriptedReply::Respond(status, body.dump(), {{"Content-Type", "application/json"}});
}

LaunchRequest A10Launch(const std::string& key) {
  LaunchRequest request;
  request.offer.provider = "lambda";
  request.offer.region = "us-east-1";
  request.offer.instance_type = "gpu_1x_a10";
  request.offer.id = MakeOfferId(request.offer);
  request.idempotency_key = key;
  request.startup_script = "#!/bin/bash\necho hi\n";
  request.tags = {{"skybroker-pipeline", "p1"}, {"skybroker-stage", "train"}};
  return request;
}

class LambdaProviderTest : public ::testing::Test {
 protected:
  void Serve(std::vector<ScriptedReply> script) {
    auto server = TestHttpServer::Start(std::move(script));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    LambdaConfig config;
    config.endpoint = server_->Url("/");
    config.api_key = "secret-key";
    config.ssh_key_name = "skybroker";
    config.utc_now = [] { return std::string("2026-11-22T00:00:00Z"); };
    auto provider = NewLambdaProvider(config, std::make_unique<CurlHttpClient>());
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    provider_ = std::move(provider).value();
  }
  std::vector<RecordedRequest> Requests() const { return server_->requests(); }

  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<Provider> provider_;
};

TEST_F(LambdaProviderTest, LaunchLooksUpThenPostsNameTagsAndUserData) {
  Serve({Json(200, {{"data", json::array()}}),
         Json(200, {{"data", {{"instance_ids", json::array({"i-new"})}}}})});
  Result<Instance> instance = provider_->Launch(A10Launch("key-1"));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "i-new");
  EXPECT_EQ(instance->state, InstanceState::kPending);
  EXPECT_EQ(instance->offer_id, "lambda:us-east-1/gpu_1x_a10/on_demand");
  EXPECT_EQ(instance->tags.at("skybroker-stage"), "train");
  const std::vector<RecordedRequest> requests = Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/api/v1/instances");
  EXPECT_EQ(*FindHeader(requests[0].headers, "Authorization"), "Bearer secret-key");
  EXPECT_EQ(requests[1].target, "/api/v1/instance-operations/launch");
  const json body = json::parse(requests[1].body);
  EXPECT_EQ(body["region_name"], "us-east-1");
  EXPECT_EQ(body["instance_type_name"], "gpu_1x_a10");
  EXPECT_EQ(body["ssh_key_names"], json::array({"skybroker"}));
  EXPECT_EQ(body["name"], *lambda::EncodeInstanceName("key-1", A10Launch("key-1").tags));
  EXPECT_EQ(body["user_data"], "#!/bin/bash\necho hi\n");
}

TEST_F(LambdaProviderTest, RetriedLaunchWithTheSameKeyReturnsTheExistingInstance) {
  const std::string name = *lambda::EncodeInstanceName("key-1", A10Launch("key-1").tags);
  Serve({Json(200, {{"data", json::array({InstanceJson("i-other", "My Instance", "active"),
                                          InstanceJson("i-first", name, "booting")})}})});
  Result<Instance> instance = provider_->Launch(A10Launch("key-1"));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "i-first");
  EXPECT_EQ(server_->connections(), 1);  // no second launch was posted
}

TEST_F(LambdaProviderTest, InsufficientCapacityIsResourceExhaustedCapacity) {
  Serve({Json(200, {{"data", json::array()}}),
         Json(400, {{"error",
                     {{"code", "instance-operations/launch/insufficient-capacity"},
                      {"message", "Not enough capacity to fulfill launch request."}}}})});
  Status status = provider_->Launch(A10Launch("key-1")).status();
  EXPECT_TRUE(status.IsResourceExhausted()) << status.ToString();
  EXPECT_EQ(status.reason(), "capacity");
}

TEST_F(LambdaProviderTest, QuotaAndThrottlingAndAuth) {
  Serve({Json(400, {{"error", {{"code", "global/quota-exceeded"}, {"message", "Quota."}}}}),
         ScriptedReply::Respond(429, "Too Many Requests", {{"Retry-After", "3"}}),
         Json(401, {{"error", {{"code", "global/invalid-api-key"}, {"message", "bad key"}}}}),
         Json(403, {{"error", {{"code", "global/account-inactive"}, {"message", "inactive"}}}})});
  Status quota = provider_->ListOffers().status();
  EXPECT_TRUE(quota.IsResourceExhausted());
  EXPECT_EQ(quota.reason(), "quota");
  Status throttled = provider_->ListOffers().status();
  EXPECT_TRUE(throttled.IsUnavailable());
  EXPECT_EQ(throttled.reason(), "throttled");
  EXPECT_TRUE(provider_->ListOffers().status().IsUnauthenticated());
  EXPECT_TRUE(provider_->ListOffers().status().IsPermissionDenied());
}

TEST_F(LambdaProviderTest, SpotOfferAndMissingKeyAreInvalidArgument) {
  Serve({Json(200, {{"data", json::array()}})});
  LaunchRequest spot = A10Launch("key-1");
  spot.offer.market = Market::kSpot;
  EXPECT_TRUE(provider_->Launch(spot).status().IsInvalidArgument());
  EXPECT_TRUE(provider_->Launch(A10Launch("")).status().IsInvalidArgument());
  EXPECT_TRUE(provider_->Describe({"../x"}).status().IsInvalidArgument());
  EXPECT_EQ(server_->connections(), 0);
}

TEST_F(LambdaProviderTest, TerminateIsIdempotentAndDescribeThenSaysUser) {
  const json gone = {{"error", {{"code", "global/object-does-not-exist"}, {"message", "gone"}}}};
  Serve({Json(200, {{"data", {{"terminated_instances", json::array()}}}}), Json(404, gone),
         Json(404, gone), Json(404, gone)});
  EXPECT_TRUE(provider_->Terminate("i-1").ok());
  EXPECT_TRUE(provider_->Terminate("i-1").ok());  // already gone: 404 is fine
  Result<std::vector<Instance>> described = provider_->Describe({"i-1"});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->front().state, InstanceState::kTerminated);
  EXPECT_EQ(described->front().reason, TerminationReason::kUser);
  EXPECT_TRUE(provider_->Describe({"i-never-seen"}).status().IsNotFound());
  EXPECT_EQ(json::parse(Requests()[0].body)["instance_ids"], json::array({"i-1"}));
}

TEST_F(LambdaProviderTest, ListByTagFiltersOnTheNameAndRejectsOtherKeys) {
  std::map<std::string, std::string> p1 = {{"skybroker-pipeline", "p1"}};
  std::map<std::string, std::string> p2 = {{"skybroker-pipeline", "p2"}};
  Serve({Json(200, {{"data", json::array({
                                 InstanceJson("a", *lambda::EncodeInstanceName("k1", p1), "active"),
                                 InstanceJson("b", *lambda::EncodeInstanceName("k2", p2), "active"),
                                 InstanceJson("c", "My Instance", "active"),
                             })}})});
  Result<std::vector<Instance>> found = provider_->ListByTag("skybroker-pipeline", "p1");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, "a");
  EXPECT_EQ(found->front().state, InstanceState::kRunning);
  EXPECT_EQ(found->front().public_ip, "198.51.100.2");
  EXPECT_TRUE(provider_->ListByTag("owner", "x").status().IsInvalidArgument());
}

// Holds every request until Release(), then answers with an empty instance list / a launch.
class GateClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    if (request.method == "GET") return HttpResponse{200, {}, R"({"data":[]})"};
    return HttpResponse{200, {}, R"({"data":{"instance_ids":["i-1"]}})"};
  }
  void AwaitWaiting() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return waiting_ > 0; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST(LambdaProviderConcurrencyTest, SecondLaunchWithAKeyInFlightIsUnavailable) {
  auto gate = std::make_unique<GateClient>();
  GateClient* client = gate.get();
  LambdaConfig config;
  config.endpoint = "http://127.0.0.1:1";
  config.api_key = "k";
  config.ssh_key_name = "s";
  std::unique_ptr<Provider> provider = NewLambdaProvider(config, std::move(gate)).value();
  auto first = std::async(std::launch::async, [&] { return provider->Launch(A10Launch("k1")); });
  client->AwaitWaiting();  // the first launch is inside its lookup
  Status second = provider->Launch(A10Launch("k1")).status();
  EXPECT_TRUE(second.IsUnavailable()) << second.ToString();
  client->Release();
  Result<Instance> launched = first.get();
  ASSERT_TRUE(launched.ok()) << launched.status().ToString();
  EXPECT_EQ(launched->id, "i-1");
}

TEST(LambdaProviderFactoryTest, ChecksEndpointAndCredentials) {
  LambdaConfig config;
  config.endpoint = "ftp://x";
  config.api_key = "k";
  config.ssh_key_name = "s";
  EXPECT_TRUE(
      NewLambdaProvider(config, std::make_unique<CurlHttpClient>()).status().IsInvalidArgument());
  config.endpoint = "http://127.0.0.1:1";
  config.api_key = "";
  EXPECT_TRUE(
      NewLambdaProvider(config, std::make_unique<CurlHttpClient>()).status().IsUnauthenticated());
}

TEST(LambdaProviderFactoryTest, EndpointAndKeyComeFromTheEnvironment) {
  setenv("SKYBROKER_LAMBDA_ENDPOINT", "http://127.0.0.1:9", 1);
  setenv("LAMBDA_API_KEY", "env-key", 1);
  LambdaConfig config = LambdaConfig::FromEnv();
  unsetenv("SKYBROKER_LAMBDA_ENDPOINT");
  unsetenv("LAMBDA_API_KEY");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:9");
  EXPECT_EQ(config.api_key, "env-key");
  EXPECT_EQ(LambdaConfig::FromEnv().endpoint, "https://cloud.lambdalabs.com");
  EXPECT_TRUE(NewLambdaProvider(config).ok());  // over the default curl + retry client
}

}  // namespace
}  // namespace sky::providers
