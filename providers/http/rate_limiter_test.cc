#include "providers/http/rate_limiter.h"

#include <gtest/gtest.h>

namespace sky::providers {
namespace {

TEST(RateLimiterTest, BurstThenSustainedRate) {
  ManualClock clock(0);
  RateLimiter limiter(clock, {/*rate_per_second=*/5, /*burst=*/3});
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_FALSE(limiter.TryAcquire());
  clock.Advance(0.1);  // half a token
  EXPECT_FALSE(limiter.TryAcquire());
  clock.Advance(0.1);  // one token
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_FALSE(limiter.TryAcquire());
}

TEST(RateLimiterTest, IdleTimeRefillsOnlyUpToBurst) {
  ManualClock clock(0);
  RateLimiter limiter(clock, {10, 4});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter.TryAcquire());
  clock.Advance(3600);
  EXPECT_DOUBLE_EQ(limiter.Available(), 4);
}

TEST(RateLimiterTest, ReservationsQueueBehindEachOther) {
  ManualClock clock(0);
  RateLimiter limiter(clock, {2, 1});
  EXPECT_DOUBLE_EQ(limiter.Reserve(), 0.0);
  EXPECT_DOUBLE_EQ(limiter.Reserve(), 0.5);
  EXPECT_DOUBLE_EQ(limiter.Reserve(), 1.0);
  EXPECT_FALSE(limiter.TryAcquire()) << "tokens are owed to reservations";
  clock.Advance(1.0);
  EXPECT_DOUBLE_EQ(limiter.Available(), 0.0);
  clock.Advance(0.5);
  EXPECT_TRUE(limiter.TryAcquire());
}

TEST(RateLimiterTest, ClockSteppingBackAddsNothing) {
  ManualClock clock(50);
  RateLimiter limiter(clock, {1, 1});
  ASSERT_TRUE(limiter.TryAcquire());
  clock.Set(10);
  EXPECT_FALSE(limiter.TryAcquire());
  clock.Set(11);
  EXPECT_TRUE(limiter.TryAcquire());
}

}  // namespace
}  // namespace sky::providers
