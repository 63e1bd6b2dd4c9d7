// LambdaProvider against `prism mock --errors` on Lambda's own OpenAPI document
// (shared/specs/lambda-cloud/lambda-cloud-openapi-v1.6.0.json): every request the adapter
// sends is validated against the spec, and every response Prism returns is validated too.
// Prism starts once for the suite and its process group is stopped at the end.
#include <gtest/gtest.h>

#include <filesystem>

#include "sky/providers/http/curl_http_client.h"
#include "sky/providers/lambda/lambda_provider.h"
#include "tests/support/prism_server.h"

namespace sky::providers {
namespace {

using prism::PrismCheckingClient;
using prism::PrismServer;

const char kSpec[] = SKY_SHARED_DIR "/specs/lambda-cloud/lambda-cloud-openapi-v1.6.0.json";

class LambdaPrismTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(PrismServer::BinaryPath())) return;
    auto prism = PrismServer::Start(kSpec);
    if (prism.ok()) {
      prism_ = std::move(prism).value().release();
    } else {
      start_error_ = new Status(prism.status());
    }
  }
  static void TearDownTestSuite() {
    delete prism_;  // stops Prism's process group
    prism_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }

  void SetUp() override {
    if (!std::filesystem::exists(PrismServer::BinaryPath())) {
      GTEST_SKIP() << "Prism is not installed (" << PrismServer::BinaryPath()
                   << "): run `npm ci --prefix tests`";
    }
    ASSERT_EQ(start_error_, nullptr) << start_error_->ToString();
    auto client = std::make_unique<PrismCheckingClient>(std::make_unique<CurlHttpClient>());
    client_ = client.get();
    LambdaConfig config;
    config.endpoint = prism_->BaseUrl();
    config.api_key = "test-api-key";
    config.ssh_key_name = "my-public-key";
    config.utc_now = [] { return std::string("2026-11-22T00:00:00Z"); };
    auto provider = NewLambdaProvider(config, std::move(client));
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
    request.startup_script = "#cloud-config\nruncmd: [echo hi]\n";
    request.tags = {{"skybroker-pipeline", "pipeline-42"}, {"skybroker-stage", "train"}};
    return request;
  }

  static PrismServer* prism_;
  static Status* start_error_;
  PrismCheckingClient* client_ = nullptr;  // owned by provider_
  std::unique_ptr<Provider> provider_;
};

PrismServer* LambdaPrismTest::prism_ = nullptr;
Status* LambdaPrismTest::start_error_ = nullptr;

TEST_F(LambdaPrismTest, ListLaunchDescribeListByTagTerminate) {
  Result<std::vector<Offer>> offers = provider_->ListOffers();
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  ASSERT_EQ(offers->size(), 1u);
  EXPECT_EQ(offers->front().id, "lambda:us-west-1/gpu_1x_gh200/on_demand");
  EXPECT_EQ(offers->front().accelerator, "GH200");
  EXPECT_DOUBLE_EQ(offers->front().price_per_hour, 1.49);

  Result<Instance> launched = provider_->Launch(Launch(offers->front()));
  ASSERT_TRUE(launched.ok()) << launched.status().ToString();
  EXPECT_EQ(launched->id, "0920582c7ff041399e34823a0be62549");
  EXPECT_EQ(launched->offer_id, "lambda:us-west-1/gpu_1x_gh200/on_demand");

  Result<std::vector<Instance>> described = provider_->Describe({launched->id});
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->size(), 1u);
  EXPECT_EQ(described->front().id, launched->id);
  EXPECT_EQ(described->front().state, InstanceState::kPending);  // the example says "booting"
  EXPECT_EQ(described->front().public_ip, "198.51.100.2");

  // The spec's example instance is called "My Instance": not one of ours.
  Result<std::vector<Instance>> tagged = provider_->ListByTag("skybroker-pipeline", "pipeline-42");
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_TRUE(tagged->empty());

  EXPECT_TRUE(provider_->Terminate(launched->id).ok());
  EXPECT_EQ(client_->requests(), 6);  // types, list + launch, get, list, terminate
}

TEST_F(LambdaPrismTest, ForcedErrorCodesMapToStatus) {
  client_->ForceCode(401);
  EXPECT_TRUE(provider_->ListOffers().status().IsUnauthenticated());
  client_->ForceCode(403);
  EXPECT_TRUE(provider_->ListOffers().status().IsPermissionDenied());
  EXPECT_TRUE(provider_->Terminate("0920582c7ff041399e34823a0be62549").IsPermissionDenied());
  client_->ForceCode(404);
  EXPECT_TRUE(provider_->Describe({"0920582c7ff041399e34823a0be62549"}).status().IsNotFound());
  EXPECT_TRUE(provider_->Terminate("0920582c7ff041399e34823a0be62549").ok());  // already gone

  Offer offer;
  offer.provider = "lambda";
  offer.region = "us-west-1";
  offer.instance_type = "gpu_1x_gh200";
  client_->ForceCode(400, "POST");  // Prism picks the spec's first 400 error: wrong-region FS
  EXPECT_TRUE(provider_->Launch(Launch(offer)).status().IsInvalidArgument());
  client_->ForceCode(404, "POST");  // an SSH key, type or image Lambda does not know
  EXPECT_TRUE(provider_->Launch(Launch(offer)).status().IsInvalidArgument());
}

// The negative control: a launch into a region the spec does not list is refused by Prism
// with sl-violations, so the adapter's call fails and the violation is recorded.
TEST_F(LambdaPrismTest, RequestOutsideTheSpecIsCaught) {
  Offer offer;
  offer.provider = "lambda";
  offer.region = "mars-north-1";
  offer.instance_type = "gpu_1x_gh200";
  EXPECT_TRUE(provider_->Launch(Launch(offer)).status().IsInvalidArgument());
  std::vector<std::string> violations = client_->TakeViolations();
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("region_name"), std::string::npos) << violations[0];
}

}  // namespace
}  // namespace sky::providers
