#include "api/auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

TEST(RateLimiterTest, AllowsABurstThenTheRate) {
  RateLimiter limiter(5, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Acquire("a", 100), 0) << i;
  const double wait = limiter.Acquire("a", 100);
  EXPECT_NEAR(wait, 0.2, 1e-9);
  // Another key has a bucket of its own.
  EXPECT_EQ(limiter.Acquire("b", 100), 0);
  // A fifth of a second later one more request may go, and only one.
  EXPECT_EQ(limiter.Acquire("a", 100.2), 0);
  EXPECT_GT(limiter.Acquire("a", 100.2), 0);
}

TEST(RateLimiterTest, RefillsUpToTheBurstOnly) {
  RateLimiter limiter(1, 2);
  EXPECT_EQ(limiter.Acquire("a", 0), 0);
  EXPECT_EQ(limiter.Acquire("a", 0), 0);
  EXPECT_GT(limiter.Acquire("a", 0), 0);
  // An hour idle refills to the burst of 2, not 3600.
  EXPECT_EQ(limiter.Acquire("a", 3600), 0);
  EXPECT_EQ(limiter.Acquire("a", 3600), 0);
  EXPECT_GT(limiter.Acquire("a", 3600), 0);
}

TEST(RateLimiterTest, ClockSteppingBackRefillsNothing) {
  RateLimiter limiter(1, 1);
  EXPECT_EQ(limiter.Acquire("a", 100), 0);
  EXPECT_GT(limiter.Acquire("a", 50), 0);
  EXPECT_EQ(limiter.Acquire("a", 101), 0);
}

TEST(RateLimiterTest, ManyKeysStayBounded) {
  RateLimiter limiter(1, 1, 4);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Acquire("k" + std::to_string(i), 0), 0);
  // The bound dropped old buckets, so a recent key may be limited or start over, but new
  // keys always get a full bucket.
  EXPECT_EQ(limiter.Acquire("fresh", 0), 0);
}

}  // namespace
}  // namespace sky::api
