// Replay on tiny hand-made traces, each run's cost and finish time computed by hand.
//
// The world: a 4-hour V100 job, deadline 6 h, restart overhead d = 0.25 h (the sim's boot),
// checkpoints every 0.125 h, polls every 0.125 h; traces tick hourly. Spot costs $1.00/h in
// us-east-1a ($1.20/h in us-east-1b), on-demand $3.00/h. Runs start at t = 0 and every launch,
// preemption and poll falls on a multiple of 0.125 h, so the numbers below are exact. An
// instance is billed from its launch (boot included) to the poll that sees it end.
// The policies' safety net keeps 2d + margin = 0.5 + (0.125 + 2 * 0.125) = 0.875 h in hand:
// an idle stage goes on-demand once R(t) < C(t) + 0.875.
#include "sky/broker/replay.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/offer_builder.h"
#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

constexpr char kSpec[] = R"({"name": "hand", "deadline_hours": 6, "restart_minutes": 15,
  "stages": [{"name": "train", "resources": {"accelerators": {"V100": 1}}, "runtime_hours": 4,
              "checkpoint_minutes": 7.5}]})";

Offer MakeOffer(const std::string& zone, Market market, double price) {
  return testing::OfferBuilder()
      .Provider("aws")
      .Region("us-east-1")
      .Zone(zone)
      .Type("p3.2xlarge")
      .Gpu("V100", 1)
      .Cpus(8)
      .MemoryGb(61)
      .Market(market)
      .Price(price)
      .Build();
}

ReplayTrace Trace(const std::string& zone, std::vector<int> available) {
  ReplayTrace t;
  t.location = "aws:us-east-1:" + zone;
  t.trace.gap_seconds = 3600;
  t.trace.available = std::move(available);
  t.source = zone;
  return t;
}

class ReplayTest : public ::testing::Test {
 protected:
  ReplayReport Replay(const std::vector<ReplayTrace>& traces, std::vector<ReplayPolicy> policies,
                      int offsets = 1, bool any_zone = false) {
    auto spec = planner::ParsePipelineSpec(kSpec, {});
    EXPECT_OK(spec);
    std::vector<Offer> offers = {MakeOffer("", Market::kOnDemand, 3.0)};
    for (const ReplayTrace& t : traces) {
      const std::string zone = t.location.substr(t.location.rfind(':') + 1);
      offers.push_back(MakeOffer(zone, Market::kSpot, zone == "us-east-1a" ? 1.0 : 1.2));
    }
    ReplayOptions options;
    options.policies = std::move(policies);
    options.start_offsets = offsets;
    options.poll_seconds = 450;
    options.threads = 2;
    options.any_zone = any_zone;
    auto report = RunReplay(*spec, traces, offers, planner::NetworkModel{}, options);
    EXPECT_OK(report);
    return report.ok() ? *report : ReplayReport{};
  }

  // The only run of `policy` (one offset).
  ReplayRun Only(ReplayPolicy policy, const std::vector<ReplayTrace>& traces) {
    ReplayReport report = Replay(traces, {policy});
    EXPECT_EQ(report.runs.size(), 1u);
    return report.runs.empty() ? ReplayRun{} : report.runs.front();
  }
};

const std::vector<int> kAlways = {1, 1, 1, 1, 1, 1, 1, 1};
const std::vector<int> kNever = {0, 0, 0, 0, 0, 0, 0, 0};

TEST_F(ReplayTest, OnDemandRunsEverythingOnOnDemand) {
  // Launch at 0, boot to 0.25, 4 h of work: ends at 4.25; 4.25 h x $3.
  ReplayRun run = Only(ReplayPolicy::kOnDemand, {Trace("us-east-1a", kAlways)});
  EXPECT_TRUE(run.succeeded) << run.failure;
  EXPECT_DOUBLE_EQ(run.finish_hours, 4.25);
  EXPECT_DOUBLE_EQ(run.cost_usd, 12.75);
  EXPECT_DOUBLE_EQ(run.on_demand_hours, 4.25);
  EXPECT_EQ(run.launches, 1);
  EXPECT_TRUE(run.deadline_met);
}

TEST_F(ReplayTest, GreedyRidesSpotThatStaysUp) {
  ReplayRun run = Only(ReplayPolicy::kGreedySpot, {Trace("us-east-1a", kAlways)});
  EXPECT_DOUBLE_EQ(run.finish_hours, 4.25);
  EXPECT_DOUBLE_EQ(run.cost_usd, 4.25);
  EXPECT_DOUBLE_EQ(run.spot_hours, 4.25);
  EXPECT_EQ(run.preemptions, 0);
}

TEST_F(ReplayTest, GreedyWaitsOutAGapShorterThanItsSlack) {
  // Spot is gone for the first hour; the slack is 6 - 4 - 0.875 = 1.125 h, so greedy waits
  // and takes spot at 1.0: boot to 1.25, done at 5.25, 4.25 h x $1.
  ReplayRun run = Only(ReplayPolicy::kGreedySpot, {Trace("us-east-1a", {0, 1, 1, 1, 1, 1, 1, 1})});
  EXPECT_DOUBLE_EQ(run.finish_hours, 5.25);
  EXPECT_DOUBLE_EQ(run.cost_usd, 4.25);
  ASSERT_EQ(run.timeline.size(), 1u);
  EXPECT_DOUBLE_EQ(run.timeline[0].start_hours, 1.0);
}

TEST_F(ReplayTest, GreedySwitchesAtTheLastMomentWhenSpotStaysGoneForTheSlack) {
  // Never any spot: at t = 1.125, R = 4.875 = C + 0.875 (still safe to wait); at 1.25 the net
  // fires. On-demand from 1.25, boot to 1.5, done at 5.5 <= 6; 4.25 h x $3.
  ReplayRun run = Only(ReplayPolicy::kGreedySpot, {Trace("us-east-1a", kNever)});
  EXPECT_TRUE(run.deadline_met);
  EXPECT_DOUBLE_EQ(run.finish_hours, 5.5);
  EXPECT_DOUBLE_EQ(run.cost_usd, 12.75);
  ASSERT_EQ(run.timeline.size(), 1u);
  EXPECT_DOUBLE_EQ(run.timeline[0].start_hours, 1.25);
  EXPECT_EQ(run.timeline[0].market, Market::kOnDemand);
}

TEST_F(ReplayTest, GreedyAfterAPreemptionWaitsThenFinishesOnOnDemand) {
  // Spot 0 -> 2 (preempted at tick 2 with 1.75 h saved); C = 2.25, so the net fires once
  // R < 3.125: on-demand at 3.0, boot to 3.25, done at 5.5. $1 x 2 h + $3 x 2.5 h.
  ReplayRun run = Only(ReplayPolicy::kGreedySpot, {Trace("us-east-1a", {1, 1, 0, 0, 0, 0, 0, 0})});
  EXPECT_EQ(run.preemptions, 1);
  EXPECT_DOUBLE_EQ(run.finish_hours, 5.5);
  EXPECT_DOUBLE_EQ(run.cost_usd, 2.0 + 7.5);
  ASSERT_EQ(run.timeline.size(), 2u);
  EXPECT_EQ(run.timeline[0].outcome, "preempted");
  EXPECT_DOUBLE_EQ(run.timeline[1].start_hours, 3.0);
}

TEST_F(ReplayTest, UniformProgressCatchesUpOnOnDemandThenMovesToSpot) {
  // ep(t) = 4t/6. Behind at 0.125: on-demand (boot to 0.375). Hysteresis holds until
  // cp >= ep(t + 0.5): at 2.125, cp = 1.75 = ep(2.625); spot is back (tick 2), so it moves:
  // spot from 2.125, boot to 2.375, 2.25 h left, done at 4.625. $3 x 2 h + $1 x 2.5 h.
  // Greedy on the same trace fires its net at 1.25 (before spot returns) and pays $12.75.
  const std::vector<ReplayTrace> traces = {Trace("us-east-1a", {0, 0, 1, 1, 1, 1, 1, 1})};
  ReplayRun up = Only(ReplayPolicy::kUniformProgress, traces);
  EXPECT_DOUBLE_EQ(up.finish_hours, 4.625);
  EXPECT_DOUBLE_EQ(up.cost_usd, 6.0 + 2.5);
  ASSERT_EQ(up.timeline.size(), 2u);
  EXPECT_EQ(up.timeline[0].market, Market::kOnDemand);
  EXPECT_DOUBLE_EQ(up.timeline[0].start_hours, 0.125);
  EXPECT_EQ(up.timeline[0].outcome, "switched");
  EXPECT_EQ(up.timeline[1].market, Market::kSpot);
  EXPECT_DOUBLE_EQ(Only(ReplayPolicy::kGreedySpot, traces).cost_usd, 12.75);
}

TEST_F(ReplayTest, BrokerFailsOverToTheNextZoneAfterAPreemption) {
  // Spot in 1a ($1) until tick 2, preempted with 1.75 h saved; 1a has no spot and the broker
  // takes the next place the planner ranks, spot in 1b ($1.20): 2.0 -> 4.5. $1 x 2 h + $1.20 x 2.5
  // h.
  ReplayRun run = Only(ReplayPolicy::kBroker, {Trace("us-east-1a", {1, 1, 0, 0, 0, 0, 0, 0}),
                                               Trace("us-east-1b", kAlways)});
  EXPECT_TRUE(run.deadline_met) << run.failure;
  EXPECT_DOUBLE_EQ(run.finish_hours, 4.5);
  EXPECT_DOUBLE_EQ(run.cost_usd, 2.0 + 3.0);
  ASSERT_EQ(run.timeline.size(), 2u);
  EXPECT_EQ(run.timeline[1].location, "aws:us-east-1:us-east-1b");
}

TEST_F(ReplayTest, PaperPoliciesKeepToTheirZoneUnlessAnyZoneIsAllowed) {
  // The same two zones: greedy keeps to 1a (its cheapest) as in the paper, and after the
  // preemption waits there until its net fires at 3.0 ($9.50, as with one zone); allowed any
  // zone, it moves to 1b's spot at once like the broker ($5.00).
  const std::vector<ReplayTrace> traces = {Trace("us-east-1a", {1, 1, 0, 0, 0, 0, 0, 0}),
                                           Trace("us-east-1b", kAlways)};
  ReplayRun one = Replay(traces, {ReplayPolicy::kGreedySpot}).runs.at(0);
  EXPECT_DOUBLE_EQ(one.cost_usd, 9.5);
  ReplayRun any = Replay(traces, {ReplayPolicy::kGreedySpot}, 1, true).runs.at(0);
  EXPECT_DOUBLE_EQ(any.cost_usd, 5.0);
  EXPECT_DOUBLE_EQ(any.finish_hours, 4.5);
  ASSERT_EQ(any.timeline.size(), 2u);
  EXPECT_EQ(any.timeline[1].location, "aws:us-east-1:us-east-1b");
}

TEST_F(ReplayTest, BrokerStaysOnOnDemandUntilSpotReturnsWhereUniformProgressChurns) {
  // Spot is back at tick 3. Both go on-demand at 0.125 (behind ep), boot to 0.375, and are
  // ahead of ep(t + 0.5) at 2.125 with cp = 1.75. Uniform Progress stops there ($6) and idles;
  // behind again at 2.75 (ep = 1.83), it relaunches on-demand with no spot yet, boots to 3.0,
  // and its net then holds on-demand to the end: 2.25 h left, done at 5.25 ($7.50): $13.50.
  // The broker keeps on-demand (cp = 2.625 at 3.0, a checkpoint) and takes spot at 3.0: boot to
  // 3.25, 1.375 h left, done at 4.625. $3 x 2.875 h + $1 x 1.625 h = $10.25.
  const std::vector<ReplayTrace> traces = {Trace("us-east-1a", {0, 0, 0, 1, 1, 1, 1, 1})};
  ReplayRun up = Only(ReplayPolicy::kUniformProgress, traces);
  EXPECT_DOUBLE_EQ(up.cost_usd, 6.0 + 7.5);
  EXPECT_DOUBLE_EQ(up.finish_hours, 5.25);
  ReplayRun broker = Only(ReplayPolicy::kBroker, traces);
  EXPECT_TRUE(broker.deadline_met) << broker.failure;
  EXPECT_DOUBLE_EQ(broker.finish_hours, 4.625);
  EXPECT_DOUBLE_EQ(broker.cost_usd, 8.625 + 1.625);
  ASSERT_EQ(broker.timeline.size(), 2u);
  EXPECT_EQ(broker.timeline[0].market, Market::kOnDemand);
  EXPECT_EQ(broker.timeline[0].outcome, "switched");
  EXPECT_DOUBLE_EQ(broker.timeline[1].start_hours, 3.0);
  EXPECT_EQ(broker.timeline[1].market, Market::kSpot);
}

TEST_F(ReplayTest, OffsetsAreSpreadOverTheTraceAndSummarised) {
  // 16 ticks, deadline 6 h: starts at 0 and 5 h. From 0, spot stays up: $4.25. From 5, spot
  // runs 0 -> 3 (preempted with 2.75 h saved, C = 1.25); the net fires once R < 2.125, at
  // 4.0: on-demand to 5.5. $1 x 3 h + $3 x 1.5 h = $7.50.
  std::vector<int> data(16, 0);
  std::fill(data.begin(), data.begin() + 8, 1);
  ReplayReport report =
      Replay({Trace("us-east-1a", data)}, {ReplayPolicy::kOnDemand, ReplayPolicy::kGreedySpot}, 2);
  EXPECT_EQ(report.offsets_hours, (std::vector<double>{0, 5}));
  ASSERT_EQ(report.runs.size(), 4u);
  EXPECT_DOUBLE_EQ(report.runs[2].cost_usd, 4.25);
  EXPECT_DOUBLE_EQ(report.runs[3].cost_usd, 7.5);
  EXPECT_DOUBLE_EQ(report.runs[3].finish_hours, 5.5);
  ASSERT_EQ(report.summary.size(), 2u);
  const ReplaySummary& greedy = report.summary[1];
  EXPECT_DOUBLE_EQ(greedy.mean_cost_usd, (4.25 + 7.5) / 2);
  EXPECT_DOUBLE_EQ(greedy.p95_cost_usd, 7.5);
  EXPECT_EQ(greedy.deadlines_met, 2);
  EXPECT_DOUBLE_EQ(greedy.deadlines_met_percent, 100);
  EXPECT_DOUBLE_EQ(greedy.mean_preemptions, 0.5);
  EXPECT_DOUBLE_EQ(*greedy.cost_vs_on_demand, (4.25 + 7.5) / 2 / 12.75);
  EXPECT_DOUBLE_EQ(*report.summary[0].cost_vs_on_demand, 1.0);
  auto json = nlohmann::json::parse(ReplayReportToJson(report));
  EXPECT_EQ(json["summary"][1]["policy"], "greedy_spot");
  EXPECT_EQ(json["runs"][3]["timeline"].size(), 2u);
  EXPECT_EQ(json["traces"][0]["ticks"], 16);
}

TEST_F(ReplayTest, ASpecWithoutDeadlineOrAFeasiblePlanIsRefused) {
  auto spec = planner::ParsePipelineSpec(kSpec, {});
  ASSERT_OK(spec);
  const std::vector<ReplayTrace> traces = {Trace("us-east-1a", kAlways)};
  const std::vector<Offer> offers = {MakeOffer("", Market::kOnDemand, 3.0)};
  planner::PipelineSpec no_deadline = *spec;
  no_deadline.deadline_hours.reset();
  EXPECT_TRUE(RunReplay(no_deadline, traces, offers, {}, {}).status().IsInvalidArgument());
  planner::PipelineSpec too_tight = *spec;
  too_tight.deadline_hours = 2;
  EXPECT_TRUE(RunReplay(too_tight, traces, offers, {}, {}).status().IsInfeasible());
  ReplayOptions none;
  none.policies.clear();
  EXPECT_TRUE(RunReplay(*spec, traces, offers, {}, none).status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::broker
