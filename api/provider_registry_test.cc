#include "api/provider_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "api/local_wiring.h"
#include "api/provider_flags_fixture.h"
#include "sky/providers/local_provider.h"
#include "sky/providers/sim_provider.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::api {
namespace {

// Runs with the provider variables cleared, over the real Lambda catalog (SkyPilot format).
using ProviderRegistryTest = ProviderFlagsTest;

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

TEST_F(ProviderRegistryTest, SimFlagsSetTheSimOptions) {
  FlagSpec spec;
  AddSimFlags(spec);
  auto args =
      CliArgs::Parse({"--sim-boot-seconds", "30", "--sim-preemption-rate", "0.5",
                      "--sim-api-latency", "0.01", "--sim-seed", "7", "--sim-state", "/tmp/x.json"},
                     spec);
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  auto options = SimOptionsFromArgs(*args);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_DOUBLE_EQ(options->boot_seconds, 30);
  EXPECT_DOUBLE_EQ(options->spot_preemption_rate_per_hour, 0.5);
  EXPECT_DOUBLE_EQ(options->api_latency_seconds, 0.01);
  EXPECT_EQ(options->seed, 7u);
  EXPECT_EQ(options->state_path, "/tmp/x.json");
  for (const char* flag :
       {"sim-boot-seconds", "sim-preemption-rate", "sim-api-latency", "sim-seed"}) {
    auto bad = CliArgs::Parse({std::string("--") + flag, "-1"}, spec);
    ASSERT_TRUE(bad.ok());
    auto rejected = SimOptionsFromArgs(*bad);
    EXPECT_TRUE(rejected.status().IsInvalidArgument()) << flag;
    EXPECT_NE(rejected.status().message().find(flag), std::string::npos) << flag;
  }
}

TEST_F(ProviderRegistryTest, SimFaultFlagsSetTheFaultOptions) {
  FlagSpec spec;
  AddSimFlags(spec);
  auto args = CliArgs::Parse(
      {"--sim-error-rate", "0.1", "--sim-timeout-rate", "0.05", "--sim-timeout-seconds", "0.5",
       "--sim-throttle-every", "600", "--sim-throttle-seconds", "30"},
      spec);
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  auto options = SimOptionsFromArgs(*args);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_DOUBLE_EQ(options->error_rate, 0.1);
  EXPECT_DOUBLE_EQ(options->timeout_rate, 0.05);
  EXPECT_DOUBLE_EQ(options->timeout_seconds, 0.5);
  EXPECT_DOUBLE_EQ(options->throttle_burst_every_seconds, 600);
  EXPECT_DOUBLE_EQ(options->throttle_burst_seconds, 30);
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--sim-error-rate", "1.5"}, "sim-error-rate"},
      {{"--sim-timeout-rate", "-0.1"}, "sim-timeout-rate"},
      {{"--sim-error-rate", "0.6", "--sim-timeout-rate", "0.6"}, "sum"},
      {{"--sim-timeout-seconds", "-1"}, "sim-timeout-seconds"},
      {{"--sim-throttle-seconds", "30"}, "sim-throttle-seconds"},
      {{"--sim-throttle-every", "30", "--sim-throttle-seconds", "30"}, "sim-throttle-seconds"}};
  for (const auto& [words, names] : bad) {
    auto parsed = CliArgs::Parse(words, spec);
    ASSERT_TRUE(parsed.ok());
    auto rejected = SimOptionsFromArgs(*parsed);
    EXPECT_TRUE(rejected.status().IsInvalidArgument()) << words[0];
    EXPECT_NE(rejected.status().message().find(names), std::string::npos)
        << rejected.status().ToString();
  }
}

TEST_F(ProviderRegistryTest, SimRunsOnTheGivenClock) {
  FlagSpec spec;
  AddProviderFlags(spec);
  AddSimFlags(spec);
  auto args = CliArgs::Parse({"--sim-boot-seconds", "10"}, spec);
  ASSERT_TRUE(args.ok());
  ManualClock clock(5000);
  auto registry = ProviderRegistry::FromArgs(*args, *catalog_, clock);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  providers::Provider* sim = (*registry)->providers()[0];
  auto offers = sim->ListOffers();
  ASSERT_TRUE(offers.ok());
  auto on_demand = std::find_if(offers->begin(), offers->end(), [](const Offer& o) {
    return o.market == Market::kOnDemand && (!o.available || *o.available > 0);
  });
  ASSERT_NE(on_demand, offers->end());
  providers::LaunchRequest request;
  request.offer = *on_demand;
  request.idempotency_key = "k1";
  auto instance = sim->Launch(request);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_DOUBLE_EQ(instance->launched_at_seconds, 5000);
  clock.Advance(11);
  auto described = sim->Describe({instance->id});
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->front().state, providers::InstanceState::kRunning);
}

TEST_F(ProviderRegistryTest, CorruptSimStateIsInvalidArgument) {
  const std::string path = ::testing::TempDir() + "/sky_registry_sim_state.json";
  std::ofstream(path) << "{not json";
  FlagSpec spec;
  AddProviderFlags(spec);
  AddSimFlags(spec);
  auto args = CliArgs::Parse({"--sim-state", path}, spec);
  ASSERT_TRUE(args.ok());
  ManualClock clock(0);
  auto registry = ProviderRegistry::FromArgs(*args, *catalog_, clock);
  EXPECT_TRUE(registry.status().IsInvalidArgument()) << registry.status().ToString();
  std::remove(path.c_str());
}

TEST_F(ProviderRegistryTest, LocalFlagsBuildTheLocalProvider) {
  sky::testing::TempDir dir("sky_registry_local_");
  auto registry = Build({"--providers", "sim,local", "--local-dir", dir.Path("local"),
                         "--local-capacity", "1", "--local-preemptions-per-hour", "2.5"});
  ASSERT_OK(registry);
  ASSERT_EQ((*registry)->providers().size(), 2u);
  EXPECT_EQ((*registry)->providers()[1]->name(), "local");
  providers::LocalProvider* local = (*registry)->local();
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local, (*registry)->providers()[1]);
  EXPECT_EQ(local->root_dir(), dir.Path("local"));
  auto offers = local->ListOffers();
  ASSERT_OK(offers);
  EXPECT_EQ(offers->size(), 6u);  // three places, two markets
  providers::LaunchRequest request;
  request.offer = offers->at(0);
  request.startup_script = "sleep 30\n";
  request.idempotency_key = "k1";
  EXPECT_OK(local->Launch(request));
  request.idempotency_key = "k2";
  EXPECT_TRUE(local->Launch(request).status().IsResourceExhausted());  // --local-capacity 1
  auto options = LocalOptions({"--local-capacity", "3", "--local-preemptions-per-hour", "2.5"});
  ASSERT_OK(options);
  EXPECT_EQ(options->capacity_per_place, 3);
  EXPECT_DOUBLE_EQ(options->preemptions_per_hour, 2.5);
  EXPECT_EQ(Build({})->get()->local(), nullptr);
}

}  // namespace
}  // namespace sky::api
