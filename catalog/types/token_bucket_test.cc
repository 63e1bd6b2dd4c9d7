#include "sky/types/token_bucket.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sky {
namespace {

TEST(TokenBucketTest, BurstThenSustainedRate) {
  ManualClock clock(0);
  TokenBucket bucket(clock, {/*rate_per_second=*/5, /*burst=*/3});
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_FALSE(bucket.TryAcquire());
  clock.Advance(0.1);  // half a token
  EXPECT_FALSE(bucket.TryAcquire());
  clock.Advance(0.1);  // one token
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_FALSE(bucket.TryAcquire());
}

TEST(TokenBucketTest, RefusalSaysHowLongToWaitAndTakesNothing) {
  ManualClock clock(100);
  TokenBucket bucket(clock, {5, 1});
  double wait = -1;
  EXPECT_TRUE(bucket.TryAcquire(&wait));
  EXPECT_EQ(wait, -1) << "untouched when a token was taken";
  EXPECT_FALSE(bucket.TryAcquire(&wait));
  EXPECT_NEAR(wait, 0.2, 1e-9);
  EXPECT_FALSE(bucket.TryAcquire(&wait));
  EXPECT_NEAR(wait, 0.2, 1e-9) << "a refusal takes nothing, so the wait does not grow";
  clock.Advance(0.2);
  EXPECT_TRUE(bucket.TryAcquire());
}

TEST(TokenBucketTest, IdleTimeRefillsOnlyUpToBurst) {
  ManualClock clock(0);
  TokenBucket bucket(clock, {10, 4});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(bucket.TryAcquire());
  clock.Advance(3600);
  EXPECT_DOUBLE_EQ(bucket.Available(), 4);
}

TEST(TokenBucketTest, ReservationsQueueBehindEachOther) {
  ManualClock clock(0);
  TokenBucket bucket(clock, {2, 1});
  EXPECT_DOUBLE_EQ(bucket.Reserve(), 0.0);
  EXPECT_DOUBLE_EQ(bucket.Reserve(), 0.5);
  EXPECT_DOUBLE_EQ(bucket.Reserve(), 1.0);
  EXPECT_FALSE(bucket.TryAcquire()) << "tokens are owed to reservations";
  clock.Advance(1.0);
  EXPECT_DOUBLE_EQ(bucket.Available(), 0.0);
  clock.Advance(0.5);
  EXPECT_TRUE(bucket.TryAcquire());
}

TEST(TokenBucketTest, ClockSteppingBackAddsNothing) {
  ManualClock clock(50);
  TokenBucket bucket(clock, {1, 1});
  ASSERT_TRUE(bucket.TryAcquire());
  clock.Set(10);
  EXPECT_FALSE(bucket.TryAcquire());
  clock.Set(11);
  EXPECT_TRUE(bucket.TryAcquire());
}

TEST(TokenBucketTest, NonsenseOptionsAreClamped) {
  ManualClock clock(0);
  TokenBucket bucket(clock, {0, 0});
  EXPECT_DOUBLE_EQ(bucket.burst(), 1);
  EXPECT_DOUBLE_EQ(bucket.rate_per_second(), 1e-9);
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_FALSE(bucket.TryAcquire());
}

TEST(TokenBucketTest, ConcurrentTakersNeverGetMoreThanTheBurst) {
  ManualClock clock(0);
  TokenBucket bucket(clock, {1, 100});
  std::vector<std::thread> threads;
  std::vector<int> taken(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) taken[t] += bucket.TryAcquire() ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(taken[0] + taken[1] + taken[2] + taken[3], 100);
}

}  // namespace
}  // namespace sky
