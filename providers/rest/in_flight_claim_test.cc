#include "providers/rest/in_flight_claim.h"

#include <gtest/gtest.h>

namespace sky::providers::rest {
namespace {

TEST(RestInFlightClaimTest, SecondClaimOfAKeyFailsUntilTheFirstEnds) {
  InFlightKeys keys;
  {
    InFlightClaim first(keys, "sky-abc");
    EXPECT_TRUE(first.claimed());
    InFlightClaim second(keys, "sky-abc");
    EXPECT_FALSE(second.claimed());
    InFlightClaim other(keys, "sky-def");
    EXPECT_TRUE(other.claimed());
    EXPECT_EQ(keys.size(), 2u);
  }
  EXPECT_EQ(keys.size(), 0u) << "a failed claim must not release the holder's key";
  InFlightClaim again(keys, "sky-abc");
  EXPECT_TRUE(again.claimed());
}

TEST(RestInFlightClaimTest, FailedClaimLeavesTheHoldersKeyInPlace) {
  InFlightKeys keys;
  InFlightClaim holder(keys, "k");
  { InFlightClaim loser(keys, "k"); }
  EXPECT_TRUE(keys.Contains("k"));
}

}  // namespace
}  // namespace sky::providers::rest
