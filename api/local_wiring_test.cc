// The --local-* flags: the LocalOptions they make, their errors naming the flag, and the
// catalog step that adds the local offers (over a real in-memory catalog).
#include "api/local_wiring.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "api/provider_flags_fixture.h"
#include "api/provider_registry.h"
#include "sky/providers/local_provider.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::api {
namespace {

using LocalWiringTest = ProviderFlagsTest;

TEST_F(LocalWiringTest, PlacesFlagSetsThePlacesAndDefaultsToTheThree) {
  auto defaults = LocalOptions({});
  ASSERT_OK(defaults);
  EXPECT_EQ(defaults->places, providers::LocalOptions().places);
  auto options = LocalOptions({"--local-places", "local:east:a, local:west:b,local:west:c"});
  ASSERT_OK(options);
  EXPECT_EQ(options->places,
            (std::vector<std::string>{"local:east:a", "local:west:b", "local:west:c"}));
  sky::testing::TempDir dir("sky_local_wiring_");
  options->root_dir = dir.Path("local");
  auto local = providers::NewLocalProvider(*options);
  ASSERT_OK(local);
  auto offers = (*local)->ListOffers();
  ASSERT_OK(offers);
  ASSERT_EQ(offers->size(), 6u);
  EXPECT_EQ(offers->at(2).region, "west");
  EXPECT_EQ(offers->at(2).zone, "b");
}

TEST_F(LocalWiringTest, PlacesFlagRejectsABadOrRepeatedPlaceNamingTheFlag) {
  for (const std::string& bad :
       {std::string("local:region-a"), std::string("aws:us-east-1:a"), std::string("local::a"),
        std::string("local:r:a:b"), std::string("local:r:a,local:r:a"), std::string(" , ")}) {
    auto options = LocalOptions({"--local-places", bad});
    EXPECT_TRUE(options.status().IsInvalidArgument()) << bad;
    EXPECT_NE(options.status().message().find("flag --local-places"), std::string::npos)
        << options.status().ToString();
  }
  auto twice = LocalOptions({"--local-places", "local:r:a,local:r:a"});
  EXPECT_NE(twice.status().message().find("'local:r:a' is named twice"), std::string::npos)
      << twice.status().ToString();
}

TEST_F(LocalWiringTest, ApplyLocalOffersUsesThePlacesFlag) {
  sky::testing::TempDir dir("sky_local_wiring_");
  FlagSpec spec;
  AddProviderFlags(spec);
  auto args = CliArgs::Parse({"--providers", "sim,local", "--local-dir", dir.Path("local"),
                              "--local-places", "local:solo:z"},
                             spec);
  ASSERT_OK(args);
  const size_t before = catalog_->Snapshot()->offers().size();
  ASSERT_OK(ApplyLocalOffers(*args, *catalog_));
  EXPECT_EQ(catalog_->Snapshot()->offers().size(), before + 2);
  EXPECT_NE(catalog_->Snapshot()->Find("local:solo:z/local/on_demand"), nullptr);
}

TEST_F(LocalWiringTest, LocalUsersIsOffUnlessGiven) {
  FlagSpec spec;
  AddProviderFlags(spec);
  auto off = CliArgs::Parse({}, spec);
  ASSERT_OK(off);
  EXPECT_FALSE(LocalUsersMaySubmit(*off));
  auto on = CliArgs::Parse({"--local-users"}, spec);
  ASSERT_OK(on);
  EXPECT_TRUE(LocalUsersMaySubmit(*on));
}

TEST_F(LocalWiringTest, LocalFlagsRejectBadValuesNamingTheFlag) {
  for (const auto& [flag, value] :
       std::vector<std::pair<std::string, std::string>>{{"local-capacity", "0"},
                                                        {"local-capacity", "1.5"},
                                                        {"local-preemptions-per-hour", "-1"},
                                                        {"local-preemptions-per-hour", "often"}}) {
    auto options = LocalOptions({"--" + flag, value});
    EXPECT_TRUE(options.status().IsInvalidArgument()) << flag << " " << value;
    EXPECT_NE(options.status().message().find(flag), std::string::npos)
        << options.status().ToString();
  }
}

TEST_F(LocalWiringTest, LocalTraceFlagSetsTheSpotAvailabilityOfAPlace) {
  sky::testing::TempDir dir("sky_registry_local_");
  const std::string trace =
      dir.Write("trace.json", R"({"metadata": {"gap_seconds": 60}, "data": [2, 0, 1]})");
  auto options = LocalOptions({"--local-trace", "local:region-a:b=" + trace});
  ASSERT_OK(options);
  ASSERT_EQ(options->spot_available.size(), 1u);
  const auto& available = options->spot_available.at("local:region-a:b");
  EXPECT_EQ(available(30), 2);
  EXPECT_EQ(available(90), 0);
  EXPECT_EQ(available(1000), 1);
  for (const std::string& bad : {std::string("local:region-a:b"), "=" + trace,
                                 "local:region-a:b=" + dir.Path("missing.json")}) {
    auto rejected = LocalOptions({"--local-trace", bad});
    EXPECT_TRUE(rejected.status().IsInvalidArgument()) << bad;
    EXPECT_NE(rejected.status().message().find("--local-trace"), std::string::npos) << bad;
  }
  auto unknown = Build({"--providers", "local", "--local-dir", dir.Path("local"), "--local-trace",
                        "local:region-z:a=" + trace});
  EXPECT_TRUE(unknown.status().IsInvalidArgument()) << unknown.status().ToString();
}

TEST_F(LocalWiringTest, LocalDirDefaultsBesideTheDatabaseOrInTmpdir) {
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir != nullptr ? old_tmpdir : "";
  ::setenv("SKYBROKER_DB", "/srv/sky/broker.db", 1);
  EXPECT_EQ(LocalOptions({})->root_dir, "/srv/sky/skybroker-local");
  ::setenv("SKYBROKER_LOCAL_DIR", "/srv/elsewhere", 1);
  EXPECT_EQ(LocalOptions({})->root_dir, "/srv/elsewhere");
  EXPECT_EQ(LocalOptions({"--local-dir", "/x"})->root_dir, "/x");
  ::unsetenv("SKYBROKER_LOCAL_DIR");
  ::setenv("SKYBROKER_DB", ":memory:", 1);
  ::setenv("TMPDIR", "/scratch", 1);
  EXPECT_EQ(LocalOptions({})->root_dir, "/scratch/skybroker-local");
  if (old_tmpdir != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

TEST_F(LocalWiringTest, ApplyLocalOffersPutsThemInTheCatalogOnlyWithLocal) {
  sky::testing::TempDir dir("sky_registry_local_");
  FlagSpec spec;
  AddProviderFlags(spec);
  const size_t before = catalog_->Snapshot()->offers().size();
  auto without = CliArgs::Parse({"--local-dir", dir.Path("local")}, spec);
  ASSERT_OK(without);
  ASSERT_OK(ApplyLocalOffers(*without, *catalog_));
  EXPECT_EQ(catalog_->Snapshot()->offers().size(), before);
  auto with = CliArgs::Parse({"--providers", "sim,local", "--local-dir", dir.Path("local")}, spec);
  ASSERT_OK(with);
  ASSERT_OK(ApplyLocalOffers(*with, *catalog_));
  EXPECT_EQ(catalog_->Snapshot()->offers().size(), before + 6);
  const Offer* spot = catalog_->Snapshot()->Find("local:region-b:a/local/spot");
  ASSERT_NE(spot, nullptr);
  EXPECT_EQ(spot->provider, "local");
  EXPECT_GT(spot->price_per_hour, 0);
}

}  // namespace
}  // namespace sky::api
