#include "sky/types/clock.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

TEST(ScaledClockTest, RunsFasterThanItsBaseFromTheOrigin) {
  ManualClock base(1000);
  ScaledClock clock(base, 1000, 60);
  EXPECT_DOUBLE_EQ(clock.NowSeconds(), 1000);  // agrees with the base at the origin
  base.Advance(1);
  EXPECT_DOUBLE_EQ(clock.NowSeconds(), 1060);
  base.Advance(0.5);
  EXPECT_DOUBLE_EQ(clock.NowSeconds(), 1090);
  EXPECT_DOUBLE_EQ(clock.speed(), 60);
  EXPECT_DOUBLE_EQ(clock.origin(), 1000);
}

TEST(ScaledClockTest, TwoClocksWithTheSameOriginAgree) {
  // A restarted process builds a new ScaledClock on the same origin: it must read the same time.
  ManualClock base(500);
  ScaledClock first(base, 100, 10);
  base.Advance(7);
  ScaledClock restarted(base, 100, 10);
  EXPECT_DOUBLE_EQ(first.NowSeconds(), restarted.NowSeconds());
  EXPECT_DOUBLE_EQ(restarted.NowSeconds(), 100 + (507 - 100) * 10);
}

TEST(ScaledClockTest, SpeedOneIsTheBase) {
  ManualClock base(42);
  ScaledClock clock(base, 0, 1);
  base.Advance(3);
  EXPECT_DOUBLE_EQ(clock.NowSeconds(), base.NowSeconds());
}

}  // namespace
}  // namespace sky
