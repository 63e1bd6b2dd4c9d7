// RunPodProvider against two `prism mock --errors` servers: REST v1 (pods) and API v2 (the
// GPU catalog), each on RunPod's own OpenAPI document, so every request is validated against
// the spec and so is every response. Both start once for the suite; their process groups are
// stopped at the end.
//
// The v1 document's Pod schema carries four property examples that contradict their own
// types (aiApiId, endpointId, templateId: null for a non-nullable string; costPerHr: "0.74"
// for a number). Prism serves those examples and then, with --errors, rejects its own
// response with a 500 for every pod call. The suite therefore mocks a copy without the
// contradictory examples (schemas untouched); SpecDefectIsExactlyTheFourPodExamples pins it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "sky/providers/http/curl_http_client.h"
#include "sky/providers/runpod/runpod_provider.h"
#include "tests/support/prism_server.h"

namespace sky::providers {
namespace {

using prism::PrismCheckingClient;
using prism::PrismServer;

const char kV1[] = SKY_SHARED_DIR "/specs/runpod/runpod-rest-v1-openapi.json";
const char kV2[] = SKY_SHARED_DIR "/specs/runpod/runpod-rest-v2-openapi.json";

struct Suite {
  std::string patched_v1;
  std::vector<std::string> dropped;
  std::unique_ptr<PrismServer> v1, v2;
  Status error;
};

class RunPodPrismTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(PrismServer::BinaryPath())) return;
    suite_ = new Suite;
    suite_->error = Start(*suite_);
  }
  static Status Start(Suite& suite) {
    char dir[] = "/tmp/sky-runpod-spec-XXXXXX";
    if (mkdtemp(dir) == nullptr) return Status::Internal("mkdtemp failed");
    suite.patched_v1 = std::string(dir) + "/runpod-rest-v1-openapi.json";
    SKY_ASSIGN_OR_RETURN(suite.dropped,
                         prism::WriteSpecWithoutContradictoryExamples(kV1, suite.patched_v1));
    SKY_ASSIGN_OR_RETURN(suite.v1, PrismServer::Start(suite.patched_v1));
    SKY_ASSIGN_OR_RETURN(suite.v2, PrismServer::Start(kV2));
    return Status::Ok();
  }
  static void TearDownTestSuite() {
    if (suite_ == nullptr) return;
    const std::filesystem::path dir = std::filesystem::path(suite_->patched_v1).parent_path();
    delete suite_;  // stops both Prism process groups
    suite_ = nullptr;
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  void SetUp() override {
    if (suite_ == nullptr) {
      GTEST_SKIP() << "Prism is not installed (" << PrismServer::BinaryPath()
                   << "): run `npm ci --prefix tests`";
    }
    ASSERT_TRUE(suite_->error.ok()) << suite_->error.ToString();
    auto client = std::make_unique<PrismCheckingClient>(std::make_unique<CurlHttpClient>());
    client_ = client.get();
    RunPodConfig config;
    config.endpoint = suite_->v1->BaseUrl();
    config.catalog_endpoint = suite_->v2->BaseUrl();
    config.api_key = "test-runpod-key";
    config.utc_now = [] { return std::string("2026-11-22T00:00:00Z"); };
    auto provider = NewRunPodProvider(config, std::move(client));
    ASSERT_TRUE(provider.ok()) << provider.status().ToString();
    provider_ = std::move(provider).value();
  }

  void TearDown() override {
    if (client_ == nullptr) return;
    for (const std::string& violation : client_->violations()) {
      ADD_FAILURE() << "Prism: " << violation;
    }
  }

  static LaunchRequest Launch(const Offer& offer) {
    LaunchRequest request;
    request.offer = offer;
    request.idempotency_key = "pipeline-42/train/1";
    request.startup_script = "python train.py";
    request.tags = {{"skybroker-pipeline", "pipeline-42"}, {"skybroker-stage", "train"}};
    return request;
  }

  static Suite* suite_;
  PrismCheckingClient* client_ = nullptr;  // owned by provider_
  std::unique_ptr<Provider> provider_;
};

Suite* RunPodPrismTest::suite_ = nullptr;

TEST_F(RunPodPrismTest, SpecDefectIsExactlyTheFourPodExamples) {
  const std::vector<std::string>& dropped = suite_->dropped;
  for (const char* field : {"aiApiId", "costPerHr", "endpointId", "templateId"}) {
    const std::string pointer =
        "/components/schemas/Pod/properties/" + std::string(field) + "/example";
    EXPECT_NE(std::find(dropped.begin(), dropped.end(), pointer), dropped.end()) << pointer;
  }
  const long pod_examples = std::count_if(dropped.begin(), dropped.end(), [](const std::string& p) {
    return p.rfind("/components/schemas/Pod/", 0) == 0;
  });
  EXPECT_EQ(pod_examples, 4);
}

TEST_F(RunPodPrismTest, ListLaunchSpotDescribeListByTagTerminate) {
  Result<std::vector<Offer>> offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  ASSERT_EQ(offers->size(), 8u);
  EXPECT_EQ(offers->front().id, "runpod:US:US-KS-2/1x_RTX4090_SECURE/on_demand");

  Offer spot = offers->front();
  spot.market = Market::kSpot;  // as a catalog file would offer it
  spot.id = MakeOfferId(spot);
  Result<Instance> launched = provider_->Launch(Launch(spot));
  ASSERT_TRUE(launched.ok()) << launched.status().ToString();
  EXPECT_EQ(launched->id, "xedezhzb9la3ye");
  EXPECT_EQ(launched->offer_id, "runpod:US:US-KS-2/1x_RTX4090_SECURE/spot");

  Result<std::vector<Instance>> described = provider_->Describe({launched->id});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->front().id, "xedezhzb9la3ye");
  EXPECT_EQ(described->front().state, InstanceState::kRunning);
  EXPECT_EQ(described->front().public_ip, "100.65.0.119");

  // The spec's example pod carries env {"ENV_VAR": "value"}, no tags of ours.
  Result<std::vector<Instance>> tagged = provider_->ListByTag("skybroker-pipeline", "pipeline-42");
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_TRUE(tagged->empty());

  EXPECT_TRUE(provider_->Terminate(launched->id).ok());
  EXPECT_EQ(client_->requests(), 6);  // catalog, lookup + create, get, list, delete
}

TEST_F(RunPodPrismTest, ForcedErrorCodesMapToStatus) {
  client_->ForceCode(429, "GET");  // v2 documents 429 with Retry-After
  Status throttled = provider_->ListOffers().status();
  EXPECT_TRUE(throttled.IsUnavailable()) << throttled.ToString();
  EXPECT_EQ(throttled.reason(), "throttled");
  client_->ForceCode(401, "GET");
  EXPECT_TRUE(provider_->ListOffers().status().IsUnauthenticated());
  client_->ForceCode(403, "GET");
  EXPECT_TRUE(provider_->ListOffers().status().IsPermissionDenied());
  client_->ForceCode(404, "GET");
  EXPECT_TRUE(provider_->Describe({"xedezhzb9la3ye"}).status().IsNotFound());
  client_->ForceCode(401, "DELETE");
  EXPECT_TRUE(provider_->Terminate("xedezhzb9la3ye").IsUnauthenticated());
  client_->ForceCode(0);
  Result<std::vector<Offer>> offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  client_->ForceCode(400, "POST");
  EXPECT_TRUE(provider_->Launch(Launch(offers->front())).status().IsInvalidArgument());
}

// The negative control: a data center the spec does not list is refused by Prism with
// sl-violations, so the launch fails and the violation is recorded.
TEST_F(RunPodPrismTest, RequestOutsideTheSpecIsCaught) {
  Result<std::vector<Offer>> offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  Offer offer = offers->front();
  offer.zone = "XX-NOWHERE-1";
  EXPECT_TRUE(provider_->Launch(Launch(offer)).status().IsInvalidArgument());
  std::vector<std::string> violations = client_->TakeViolations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("dataCenterIds"), std::string::npos) << violations[0];
}

}  // namespace
}  // namespace sky::providers
