#include "api/auth/keyed_rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace sky::api {
namespace {

// The bucket itself (burst, refill, a clock stepping back) is tested in
// catalog/types/token_bucket_test.cc; these tests cover what the keyed limiter adds.

TEST(KeyedRateLimiterTest, EachKeyHasABucketOfItsOwn) {
  ManualClock clock(100);
  KeyedRateLimiter limiter(clock, {/*rate_per_second=*/5, /*burst=*/10});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Acquire("a"), 0) << i;
  EXPECT_NEAR(limiter.Acquire("a"), 0.2, 1e-9);
  // Another key has a bucket of its own.
  EXPECT_EQ(limiter.Acquire("b"), 0);
  // A fifth of a second later one more request may go, and only one.
  clock.Set(100.2);
  EXPECT_EQ(limiter.Acquire("a"), 0);
  EXPECT_GT(limiter.Acquire("a"), 0);
}

TEST(KeyedRateLimiterTest, ManyKeysStayBounded) {
  ManualClock clock(0);
  KeyedRateLimiter limiter(clock, {1, 1}, /*max_keys=*/4);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Acquire("k" + std::to_string(i)), 0);
  // The bound dropped old buckets, so a recent key may be limited or start over, but new
  // keys always get a full bucket.
  EXPECT_EQ(limiter.Acquire("fresh"), 0);
}

TEST(KeyedRateLimiterTest, IdleBucketsAreDroppedFirst) {
  ManualClock clock(0);
  KeyedRateLimiter limiter(clock, {1, 1}, /*max_keys=*/2);
  EXPECT_EQ(limiter.Acquire("busy"), 0);
  EXPECT_EQ(limiter.Acquire("idle"), 0);
  clock.Set(0.5);
  EXPECT_EQ(limiter.Acquire("idle2"), 0);  // the map is full, neither bucket is: all start over
  clock.Set(2);                            // every bucket full again
  EXPECT_EQ(limiter.Acquire("busy"), 0);
  EXPECT_GT(limiter.Acquire("busy"), 0);
  // A new key evicts the full buckets ("idle2"), not the drained "busy" one.
  EXPECT_EQ(limiter.Acquire("new"), 0);
  EXPECT_GT(limiter.Acquire("busy"), 0);
}

}  // namespace
}  // namespace sky::api
