#include "providers/rest/in_flight_claim.h"

#include <gtest/gtest.h>

namespace sky::providers::rest {
namespace {

TEST(RestInFlightClaimTest, SecondClaimOfAKeyFailsUntilTheFirstEnds) {
  std::mutex mu;
  std::set<std::string> keys;
  {
    InFlightClaim first(mu, keys, "sky-abc");
    EXPECT_TRUE(first.claimed());
    InFlightClaim second(mu, keys, "sky-abc");
    EXPECT_FALSE(second.claimed());
    InFlightClaim other(mu, keys, "sky-def");
    EXPECT_TRUE(other.claimed());
    EXPECT_EQ(keys.size(), 2u);
  }
  EXPECT_TRUE(keys.empty()) << "a failed claim must not release the holder's key";
  InFlightClaim again(mu, keys, "sky-abc");
  EXPECT_TRUE(again.claimed());
}

TEST(RestInFlightClaimTest, FailedClaimLeavesTheHoldersKeyInPlace) {
  std::mutex mu;
  std::set<std::string> keys;
  InFlightClaim holder(mu, keys, "k");
  { InFlightClaim loser(mu, keys, "k"); }
  EXPECT_EQ(keys.count("k"), 1u);
}

}  // namespace
}  // namespace sky::providers::rest
