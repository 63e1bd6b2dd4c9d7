// RunPodProvider over a real CurlHttpClient against the scripted 127.0.0.1 server: the calls
// it makes, idempotent launch by pod name, spot as interruptible, preemption detection, and
// error mapping. (The Prism tests check the same calls against the vendor specs.)
#include "sky/providers/runpod/runpod_provider.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sky/providers/auth/crypto.h"
#include "sky/providers/http/curl_http_client.h"
#include "tests/support/test_http_server.h"

namespace sky::providers {
namespace {

using nlohmann::json;

const json kCatalog = {
    {"gpus", json::array({{{"id", "NVIDIA H100 80GB HBM3"},
                           {"name", "H100 SXM"},
                           {"pool", nullptr},
                           {"manufacturer", "NVIDIA"},
                           {"memory", 80},
                           {"secure", true},
                           {"community", false},
                           {"price", {{"secure", 2.69}, {"community", 0}}},
                           {"maxCount", {{"secure", 2}, {"community", 0}}},
                           {"dataCenters", json::array({{{"id", "US-KS-2"},
                                                         {"name", "US Kansas 2"},
                                                         {"availability", "LOW"}}})}}})}};

json PodJson(const std::string& id, const std::string& name, const std::string& desired,
             bool interruptible, const std::map<std::string, std::string>& tags = {}) {
  return {{"id", id},
          {"name", name},
          {"desiredStatus", desired},
          {"interruptible", interruptible},
          {"publicIp", "100.65.0.119"},
          {"env", {{"SKYBROKER_TAGS", json(tags).dump()}}},
          {"gpu", {{"id", "NVIDIA H100 80GB HBM3"}, {"count", 2}, {"displayName", "H100 SXM"}}},
          {"machine", {{"dataCenterId", "US-KS-2"}, {"secureCloud", true}}}};
}

ScriptedReply Json(int status, const json& body) {
  return ScriptedReply::Respond(status, body.dump(), {{"Content-Type", "application/json"}});
}

std::string PodNameFor(const std::string& key) {
  return "sky-" + auth::Sha256Hex(key)->substr(0, 16);
}

LaunchRequest H100Launch(const std::string& key, Market market) {
  LaunchRequest request;
  request.offer.provider = "runpod";
  request.offer.region = "US";
  request.offer.zone = "US-KS-2";
  request.offer.instance_type = "2x_H100-SXM_SECURE";
  request.offer.market = market;
  request.offer.id = MakeOfferId(request.offer);
  request.idempotency_key = key;
  request.startup_script = "python train.py";
  request.tags = {{"skybroker-pipeline", "p1"}, {"skybroker-stage", "train"}};
  return request;
}

class RunPodProviderTest : public ::testing::Test {
 protected:
  void Serve(std::vector<ScriptedReply> script) {
    auto server = TestHttpServer::Start(std::move(script));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    RunPodConfig config;
    config.endpoint = server_->Url("/v1");
    config.catalog_endpoint = server_->Url("/");
    config.api_key = "rp-secret";
    config.utc_now = [] { return std::string("2026-11-22T00:00:00Z"); };
    auto provider = NewRunPodProvider(config, std::make_unique<CurlHttpClient>());
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    provider_ = std::move(provider).value();
  }
  std::vector<RecordedRequest> Requests() const { return server_->requests(); }

  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<Provider> provider_;
};

TEST_F(RunPodProviderTest, SpotLaunchResolvesTheGpuTypeAndCreatesAnInterruptiblePod) {
  const std::string name = PodNameFor("key-1");
  Serve({Json(200, kCatalog), Json(200, json::array()),
         Json(201, PodJson("pod-1", name, "RUNNING", true, H100Launch("k", Market::kSpot).tags))});
  Result<Instance> instance = provider_->Launch(H100Launch("key-1", Market::kSpot));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "pod-1");
  EXPECT_EQ(instance->market, Market::kSpot);
  EXPECT_EQ(instance->offer_id, "runpod:US:US-KS-2/2x_H100-SXM_SECURE/spot");
  EXPECT_EQ(instance->tags.at("skybroker-stage"), "train");
  const std::vector<RecordedRequest> requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].target, "/v2/catalog/gpus");
  EXPECT_EQ(requests[1].target, "/v1/pods?name=" + name);
  EXPECT_EQ(*FindHeader(requests[1].headers, "Authorization"), "Bearer rp-secret");
  EXPECT_EQ(requests[2].method, "POST");
  EXPECT_EQ(requests[2].target, "/v1/pods");
  const json body = json::parse(requests[2].body);
  EXPECT_EQ(body["name"], name);
  EXPECT_EQ(body["gpuTypeIds"], json::array({"NVIDIA H100 80GB HBM3"}));
  EXPECT_EQ(body["gpuCount"], 2);
  EXPECT_EQ(body["interruptible"], true);
  EXPECT_EQ(body["cloudType"], "SECURE");
  EXPECT_EQ(body["dataCenterIds"], json::array({"US-KS-2"}));
  EXPECT_EQ(body["dockerStartCmd"], json::array({"bash", "-c", "python train.py"}));
}

// A stage with `image`: the pod is that container (the startup script runs in it directly).
TEST_F(RunPodProviderTest, AStagesImageBecomesThePodsImage) {
  LaunchRequest request = H100Launch("key-2", Market::kOnDemand);
  request.image = "ghcr.io/acme/train:1.4";
  Serve({Json(200, kCatalog), Json(200, json::array()),
         Json(201, PodJson("pod-2", PodNameFor("key-2"), "RUNNING", false, request.tags))});
  ASSERT_TRUE(provider_->Launch(request).ok());
  const std::vector<RecordedRequest> requests = Requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(json::parse(requests[2].body)["imageName"], "ghcr.io/acme/train:1.4");
}

TEST_F(RunPodProviderTest, RetriedLaunchReturnsThePodWithTheKeysName) {
  Serve({Json(200, kCatalog),
         Json(200, json::array({PodJson("pod-1", PodNameFor("key-1"), "RUNNING", false)}))});
  ASSERT_EQ(provider_->ListOffers()->size(), 2u);  // 1x and 2x, one data center
  Result<Instance> instance = provider_->Launch(H100Launch("key-1", Market::kOnDemand));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "pod-1");
  EXPECT_EQ(server_->connections(), 2);  // the cached catalog, one lookup, no create
}

TEST_F(RunPodProviderTest, InterruptiblePodStoppedByRunPodIsPreemptedButOursIsUser) {
  Serve({Json(200, PodJson("pod-1", "n", "EXITED", true)), ScriptedReply::Respond(204),
         Json(200, PodJson("pod-1", "n", "EXITED", true)), ScriptedReply::Respond(404),
         ScriptedReply::Respond(404)});
  Result<std::vector<Instance>> preempted = provider_->Describe({"pod-1"});
  ASSERT_TRUE(preempted.ok()) << preempted.status().ToString();
  EXPECT_EQ(preempted->front().state, InstanceState::kTerminated);
  EXPECT_EQ(preempted->front().reason, TerminationReason::kPreempted);
  EXPECT_TRUE(provider_->Terminate("pod-1").ok());
  EXPECT_EQ(provider_->Describe({"pod-1"})->front().reason, TerminationReason::kUser);
  Result<std::vector<Instance>> gone = provider_->Describe({"pod-1"});
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->front().reason, TerminationReason::kUser);
  EXPECT_TRUE(provider_->Describe({"pod-2"}).status().IsNotFound());
  EXPECT_EQ(Requests()[1].method, "DELETE");
  EXPECT_EQ(Requests()[1].target, "/v1/pods/pod-1");
}

TEST_F(RunPodProviderTest, NoCapacityIsResourceExhaustedAndThrottlingIsUnavailable) {
  Serve({Json(200, kCatalog), Json(200, json::array()),
         Json(400, {{"error",
                     "There are no longer any instances available with the requested "
                     "specifications. Please refresh and try again."}}),
         ScriptedReply::Respond(429, R"({"title":"Too Many Requests","status":429})",
                                {{"Retry-After", "12"}})});
  Status capacity = provider_->Launch(H100Launch("key-1", Market::kSpot)).status();
  EXPECT_TRUE(capacity.IsResourceExhausted()) << capacity.ToString();
  EXPECT_EQ(capacity.reason(), "capacity");
  Status throttled = provider_->ListOffers().status();
  EXPECT_TRUE(throttled.IsUnavailable());
  EXPECT_EQ(throttled.reason(), "throttled");
}

TEST_F(RunPodProviderTest, ListByTagFiltersOnTheTagsEnv) {
  Serve(
      {Json(200, json::array({PodJson("a", "n", "RUNNING", false, {{"skybroker-stage", "x"}}),
                              PodJson("b", "n", "RUNNING", false, {{"skybroker-stage", "y"}})}))});
  Result<std::vector<Instance>> found = provider_->ListByTag("skybroker-stage", "y");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().id, "b");
  EXPECT_EQ(found->front().instance_type, "2x_H100-SXM_SECURE");
  EXPECT_EQ(Requests()[0].target, "/v1/pods?includeMachine=true");
}

TEST_F(RunPodProviderTest, BadRequestsFailBeforeAnyCall) {
  Serve({Json(200, kCatalog)});
  LaunchRequest reserved = H100Launch("k", Market::kReserved);
  EXPECT_TRUE(provider_->Launch(reserved).status().IsInvalidArgument());
  LaunchRequest unknown = H100Launch("k", Market::kOnDemand);
  unknown.offer.instance_type = "n1-standard-8";
  EXPECT_TRUE(provider_->Launch(unknown).status().IsInvalidArgument());
  EXPECT_TRUE(provider_->Launch(H100Launch("", Market::kSpot)).status().IsInvalidArgument());
  EXPECT_TRUE(provider_->Describe({"a/../b"}).status().IsInvalidArgument());
  EXPECT_TRUE(provider_->Terminate("").IsInvalidArgument());
  EXPECT_EQ(server_->connections(), 0);
}

TEST(RunPodProviderFactoryTest, ConfigComesFromTheEnvironmentAndIsChecked) {
  setenv("SKYBROKER_RUNPOD_ENDPOINT", "http://127.0.0.1:9/v1", 1);
  setenv("RUNPOD_API_KEY", "env-key", 1);
  RunPodConfig config = RunPodConfig::FromEnv();
  unsetenv("SKYBROKER_RUNPOD_ENDPOINT");
  unsetenv("RUNPOD_API_KEY");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:9/v1");
  EXPECT_EQ(config.catalog_endpoint, "https://api.runpod.io");
  EXPECT_EQ(config.api_key, "env-key");
  EXPECT_TRUE(NewRunPodProvider(config).ok());
  config.api_key.clear();
  EXPECT_TRUE(NewRunPodProvider(config).status().IsUnauthenticated());
  config.api_key = "k";
  config.catalog_endpoint = "api.runpod.io";
  EXPECT_TRUE(NewRunPodProvider(config).status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::providers
