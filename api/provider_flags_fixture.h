#pragma once
// ProviderFlagsTest: the one fixture of the provider-flag tests (provider_registry_test,
// local_wiring_test): provider and local variables cleared, no AWS credentials file, over the
// real Lambda catalog (SkyPilot format) in an in-memory catalog. Not thread-safe.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "api/cli/args.h"
#include "api/local_wiring.h"
#include "api/provider_registry.h"
#include "sky/broker/catalog_service.h"
#include "sky/providers/local_provider.h"

namespace sky::api {

class ProviderFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"SKYBROKER_PROVIDERS", "SKYBROKER_LAMBDA_ENDPOINT", "LAMBDA_API_KEY",
                             "RUNPOD_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                             "AWS_SESSION_TOKEN", "AWS_PROFILE", "GOOGLE_APPLICATION_CREDENTIALS",
                             "SKYBROKER_GCP_ZONES", "SKYBROKER_LOCAL_DIR", "SKYBROKER_DB"}) {
      ::unsetenv(name);
    }
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/sky/credentials", 1);
    auto catalog = broker::CatalogService::Open(":memory:");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::move(catalog).value();
    const std::string csv = SKY_SHARED_DIR "/data/catalog/anycloud_skypilot_format/lambda/vms.csv";
    ASSERT_TRUE(catalog_->Ingest({csv}, {}).ok());
  }

  // `words` parsed with the provider flags.
  static Result<CliArgs> Args(const std::vector<std::string>& words) {
    FlagSpec spec;
    AddProviderFlags(spec);
    return CliArgs::Parse(words, spec);
  }
  Result<std::unique_ptr<ProviderRegistry>> Build(const std::vector<std::string>& words) {
    SKY_ASSIGN_OR_RETURN(CliArgs args, Args(words));
    return ProviderRegistry::FromArgs(args, *catalog_);
  }
  Result<providers::LocalOptions> LocalOptions(const std::vector<std::string>& words) {
    SKY_ASSIGN_OR_RETURN(CliArgs args, Args(words));
    return LocalOptionsFromArgs(args);
  }

  std::unique_ptr<broker::CatalogService> catalog_;
};

}  // namespace sky::api
