#include "api/provider_registry.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sky::api {
namespace {

// Runs with the provider variables cleared, over the real Lambda catalog (SkyPilot format).
class ProviderRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"SKYBROKER_PROVIDERS", "SKYBROKER_LAMBDA_ENDPOINT", "LAMBDA_API_KEY", "RUNPOD_API_KEY",
          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
          "GOOGLE_APPLICATION_CREDENTIALS", "SKYBROKER_GCP_ZONES"}) {
      ::unsetenv(name);
    }
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sky/credentials", 1);
    auto catalog = broker::CatalogService::Open(":memory:");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(catalog).value();
    const std::string csv = SKY_SHARED_DIR "/data/catalog/anycloud_skypilot_format/lambda/vms.csv";
    ASSERT_TRUE(catalog_->Ingest({csv}, {}).ok());
  }

  Result<std::unique_ptr<ProviderRegistry>> Build(const std::vector<std::string>& words) {
    FlagSpec spec;
    AddProviderFlags(spec);
    auto args = CliArgs::Parse(words, spec);
    if (!args.ok()) return args.status();
    return ProviderRegistry::FromArgs(*args, *catalog_);
  }

  std::unique_ptr<broker::CatalogService> catalog_;
};

TEST_F(ProviderRegistryTest, DefaultIsSimServingTheCatalog) {
  auto registry = Build({});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ASSERT_EQ((*registry)->providers().size(), 1u);
  providers::Provider* sim = (*registry)->providers()[0];
  EXPECT_EQ(sim->name(), "sim");
  auto offers = sim->ListOffers();
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ(offers->size(), catalog_->Snapshot()->offers().size());
  EXPECT_GT(offers->size(), 300u);
}

TEST_F(ProviderRegistryTest, MissingCredentialsNameTheVariable) {
  struct Case {
    const char* provider;
    const char* needs;
  };
  for (const Case& c :
       {Case{"lambda", "LAMBDA_API_KEY"}, Case{"runpod", "RUNPOD_API_KEY"},
        Case{"aws", "AWS_ACCESS_KEY_ID"}, Case{"gcp", "GOOGLE_APPLICATION_CREDENTIALS"}}) {
    auto registry = Build({"--providers", std::string("sim,") + c.provider});
    EXPECT_TRUE(registry.status().IsInvalidArgument()) << c.provider;
    EXPECT_NE(registry.status().message().find(std::string("--providers ") + c.provider +
                                               " needs " + c.needs),
              std::string::npos)
        << registry.status().ToString();
  }
  ::setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json", 1);
  EXPECT_NE(Build({"--providers", "gcp"}).status().message().find("--gcp-zones"),
            std::string::npos);
}

TEST_F(ProviderRegistryTest, FlagWinsOverEnvironmentWhichWinsOverDefault) {
  ::setenv("LAMBDA_API_KEY", "test", 1);
  ::setenv("SKYBROKER_PROVIDERS", "lambda", 1);
  ::setenv("SKYBROKER_LAMBDA_ENDPOINT", "ftp://127.0.0.1:9", 1);
  // The environment's endpoint is used (and refused), then the flag's replaces it.
  EXPECT_TRUE(Build({}).status().IsInvalidArgument());
  auto registry = Build({"--lambda-endpoint", "http://127.0.0.1:9"});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ASSERT_EQ((*registry)->providers().size(), 1u);
  EXPECT_EQ((*registry)->providers()[0]->name(), "lambda");
  // --providers replaces $SKYBROKER_PROVIDERS; a repeated name is built once.
  registry = Build({"--providers", "sim, sim"});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ASSERT_EQ((*registry)->providers().size(), 1u);
  EXPECT_EQ((*registry)->providers()[0]->name(), "sim");
}

TEST_F(ProviderRegistryTest, AwsBuildsFromEnvironmentCredentials) {
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
  auto registry = Build({"--providers", "aws", "--aws-endpoint", "http://127.0.0.1:9"});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ((*registry)->providers()[0]->name(), "aws");
  EXPECT_TRUE(
      Build({"--providers", "aws", "--aws-endpoint", "ftp://x"}).status().IsInvalidArgument());
}

TEST_F(ProviderRegistryTest, UnknownProviderIsInvalidArgument) {
  auto registry = Build({"--providers", "sim,azure"});
  EXPECT_TRUE(registry.status().IsInvalidArgument());
  EXPECT_NE(registry.status().message().find("azure"), std::string::npos);
}

}  // namespace
}  // namespace sky::api
