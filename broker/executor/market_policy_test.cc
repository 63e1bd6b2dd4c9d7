// The replay policies' rules, decision by decision (Wu et al., NSDI'24, sections 3.3-5.2).
#include "sky/broker/market_policy.h"

#include <gtest/gtest.h>

namespace sky::broker {
namespace {

// A 48-hour job with a 60-hour deadline and d = 0.2 h, no margin, idle at `now` with `left`
// hours of work left; spot available unless said otherwise.
MarketView View(double now, double left, bool spot = true) {
  MarketView v;
  v.now_hours = now;
  v.deadline_hours = 60;
  v.restart_hours = 0.2;
  v.total_work_hours = 48;
  v.remaining_work_hours = left;
  v.spot_possible = true;
  v.spot_available = spot;
  return v;
}

MarketView On(Market market, MarketView v) {
  v.current = market;
  return v;
}

TEST(MarketPolicyTest, OnDemandNeverTakesSpot) {
  auto policy = NewOnDemandPolicy();
  EXPECT_EQ(policy->name(), "on_demand");
  EXPECT_EQ(policy->Decide(View(0, 48)).choice, MarketChoice::kOnDemand);
  EXPECT_EQ(policy->Decide(On(Market::kSpot, View(0, 48))).choice, MarketChoice::kOnDemand);
}

TEST(MarketPolicyTest, GreedyTakesSpotWaitsAndKeepsWhatItRuns) {
  auto greedy = NewGreedySpotPolicy();
  EXPECT_EQ(greedy->Decide(View(0, 48)).choice, MarketChoice::kSpot);
  EXPECT_EQ(greedy->Decide(View(0, 48, false)).choice, MarketChoice::kIdle);
  // Exploitation: a running spot instance is kept even past the safety net.
  EXPECT_EQ(greedy->Decide(On(Market::kSpot, View(59, 40))).choice, MarketChoice::kSpot);
  // Once on on-demand, greedy stays to the end even when spot comes back.
  const MarketDecision stay = greedy->Decide(On(Market::kOnDemand, View(30, 10, true)));
  EXPECT_EQ(stay.choice, MarketChoice::kOnDemand);
}

TEST(MarketPolicyTest, GreedySafetyNetFiresWhenSlackFallsBelowTwoRestartsAndMargin) {
  auto greedy = NewGreedySpotPolicy();
  // R = 60 - t, C = 40, 2d = 0.4, margin 0.1: the net is due once R < 40.5, i.e. t > 19.5.
  MarketView before = View(19.25, 40, true), after = View(19.75, 40, true);
  before.margin_hours = after.margin_hours = 0.1;
  EXPECT_EQ(greedy->Decide(before).choice, MarketChoice::kSpot);
  const MarketDecision net = greedy->Decide(after);
  EXPECT_EQ(net.choice, MarketChoice::kOnDemand);
  EXPECT_EQ(net.rule, "safety net");
}

TEST(MarketPolicyTest, UniformProgressCatchesUpOnOnDemandWhenBehind) {
  auto up = NewUniformProgressPolicy();
  // ep(t) = 48 t / 60 = 0.8 t. At t = 10 the line is at 8 h done.
  EXPECT_EQ(up->Decide(View(10, 40, false)).choice, MarketChoice::kIdle);  // cp = 8 = ep
  const MarketDecision behind = up->Decide(View(10, 41, false));           // cp = 7 < 8
  EXPECT_EQ(behind.choice, MarketChoice::kOnDemand);
  EXPECT_EQ(behind.rule, "uniform progress");
  // Taking risks: spot when available, even behind the line.
  EXPECT_EQ(up->Decide(View(10, 41, true)).choice, MarketChoice::kSpot);
}

TEST(MarketPolicyTest, UniformProgressLeavesOnDemandOnlyPastTheHysteresisLine) {
  auto up = NewUniformProgressPolicy();
  // On on-demand at t = 10: stay until cp >= ep(t + 2d) = 0.8 * 10.4 = 8.32.
  EXPECT_EQ(up->Decide(On(Market::kOnDemand, View(10, 39.75, true))).rule, "hysteresis");
  const MarketDecision ahead = up->Decide(On(Market::kOnDemand, View(10, 39.5, true)));
  EXPECT_EQ(ahead.choice, MarketChoice::kSpot);
  EXPECT_EQ(up->Decide(On(Market::kOnDemand, View(10, 39.5, false))).choice, MarketChoice::kIdle);
  // Past the safety net on-demand is kept to the end, however far ahead.
  EXPECT_EQ(up->Decide(On(Market::kOnDemand, View(59.5, 0.5, true))).rule, "safety net");
}

TEST(MarketPolicyTest, BrokerLeavesOnDemandOnlyForSpotThatIsThere) {
  auto broker = NewBrokerPolicy();
  EXPECT_EQ(broker->name(), "broker");
  EXPECT_TRUE(broker->AnySpotZone());
  // Where Uniform Progress, ahead of ep(t + 2d) with no spot, would idle, the broker keeps
  // on-demand; with spot there both move.
  const MarketDecision keep = broker->Decide(On(Market::kOnDemand, View(10, 39.5, false)));
  EXPECT_EQ(keep.choice, MarketChoice::kOnDemand);
  EXPECT_EQ(keep.rule, "on-demand until spot returns");
  EXPECT_EQ(broker->Decide(On(Market::kOnDemand, View(10, 39.5, true))).choice,
            MarketChoice::kSpot);
  // Otherwise Uniform Progress's rules: idle when ahead, on-demand when behind, the net.
  EXPECT_EQ(broker->Decide(View(10, 40, false)).choice, MarketChoice::kIdle);
  EXPECT_EQ(broker->Decide(View(10, 41, false)).choice, MarketChoice::kOnDemand);
  EXPECT_EQ(broker->Decide(On(Market::kOnDemand, View(59.5, 0.5, true))).rule, "safety net");
}

TEST(MarketPolicyTest, StagesWithoutSpotCandidatesRunOnDemandAtOnce) {
  MarketView v = View(0, 48, false);
  v.spot_possible = false;
  EXPECT_EQ(NewGreedySpotPolicy()->Decide(v).choice, MarketChoice::kOnDemand);
  EXPECT_EQ(NewUniformProgressPolicy()->Decide(v).choice, MarketChoice::kOnDemand);
}

TEST(MarketPolicyTest, WithoutADeadlineSpotWhenThereIsSomeElseOnDemand) {
  MarketView v = View(0, 48, false);
  v.deadline_hours.reset();
  EXPECT_EQ(NewGreedySpotPolicy()->Decide(v).choice, MarketChoice::kOnDemand);
  v.spot_available = true;
  EXPECT_EQ(NewUniformProgressPolicy()->Decide(v).choice, MarketChoice::kSpot);
  EXPECT_EQ(NewGreedySpotPolicy()->Decide(On(Market::kOnDemand, v)).choice,
            MarketChoice::kOnDemand);
}

}  // namespace
}  // namespace sky::broker
