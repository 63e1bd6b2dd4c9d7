#include "sky/providers/sim_provider.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

namespace sky::providers {
namespace {

Offer MakeOffer(const std::string& zone, Market market, std::optional<int> available = {}) {
  Offer o;
  o.provider = "aws";
  o.region = "us-west-2";
  o.zone = zone;
  o.instance_type = "p3.2xlarge";
  o.accelerator = "V100";
  o.accelerator_count = 1;
  o.market = market;
  o.price_per_hour = market == Market::kSpot ? 0.9 : 3.06;
  o.available = available;
  o.id = MakeOfferId(o);
  return o;
}

LaunchRequest Request(const Offer& offer, const std::string& key) {
  LaunchRequest r;
  r.offer = offer;
  r.idempotency_key = key;
  r.tags = {{"skybroker-pipeline", "p1"}, {"skybroker-stage", key}};
  return r;
}

SpotTrace Trace(std::vector<int> counts) {
  SpotTrace t;
  t.gap_seconds = 600;
  t.available = std::move(counts);
  return t;
}

TEST(SimProviderTest, LaunchIsIdempotentAndBoots) {
  ManualClock clock;
  Offer od = MakeOffer("", Market::kOnDemand);
  SimProvider sim({od}, clock);
  auto a = sim.Launch(Request(od, "k1"));
  ASSERT_TRUE(a.ok());
  auto again = sim.Launch(Request(od, "k1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(a->id, again->id);
  EXPECT_EQ(sim.stats().launches, 1);
  EXPECT_EQ(sim.stats().idempotent_replays, 1);
  EXPECT_EQ(sim.Describe({a->id})->at(0).state, InstanceState::kPending);
  clock.Advance(61);
  EXPECT_EQ(sim.Describe({a->id})->at(0).state, InstanceState::kRunning);
  EXPECT_EQ(sim.ListByTag("skybroker-pipeline", "p1")->size(), 1u);
  EXPECT_TRUE(sim.Terminate(a->id).ok());
  auto gone = sim.Describe({a->id})->at(0);
  EXPECT_EQ(gone.state, InstanceState::kTerminated);
  EXPECT_EQ(gone.reason, TerminationReason::kUser);
  EXPECT_TRUE(sim.Terminate(a->id).ok());  // idempotent
  EXPECT_TRUE(sim.Describe({"nope"}).status().IsNotFound());
}

TEST(SimProviderTest, TraceRefusesCapacityAndPreemptsOnADip) {
  ManualClock clock;
  Offer spot = MakeOffer("us-west-2a", Market::kSpot);
  SimOptions options;
  // Ticks of 600 s: 1 available, then 0 for one tick (a dip), then 1 again.
  options.traces[spot.location_id()] = Trace({1, 1, 0, 1});
  SimProvider sim({spot}, clock, options);
  auto first = sim.Launch(Request(spot, "a"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(sim.Launch(Request(spot, "b")).status().IsResourceExhausted());
  clock.Set(1900);  // past the dip (1200..1800) without looking in between
  auto seen = sim.Describe({first->id})->at(0);
  EXPECT_EQ(seen.state, InstanceState::kTerminated);
  EXPECT_EQ(seen.reason, TerminationReason::kPreempted);
  EXPECT_TRUE(sim.Launch(Request(spot, "c")).ok());  // capacity is back
  EXPECT_EQ(sim.stats().preemptions, 1);
  EXPECT_EQ(sim.stats().capacity_refusals, 1);
}

TEST(SimProviderTest, OfferAvailabilityBoundsOnDemandLaunches) {
  ManualClock clock;
  Offer od = MakeOffer("", Market::kOnDemand, 1);
  SimProvider sim({od}, clock);
  ASSERT_TRUE(sim.Launch(Request(od, "a")).ok());
  EXPECT_TRUE(sim.Launch(Request(od, "b")).status().IsResourceExhausted());
  Offer unknown = MakeOffer("", Market::kOnDemand);
  unknown.id = "aws:us-west-2/other/on_demand";
  EXPECT_TRUE(sim.Launch(Request(unknown, "c")).status().IsNotFound());
}

TEST(SimProviderTest, RandomModelIsDeterministicForASeed) {
  auto preempted_by = [](uint64_t seed) {
    ManualClock clock;
    Offer spot = MakeOffer("us-west-2b", Market::kSpot);
    SimOptions options;
    options.spot_preemption_rate_per_hour = 0.5;
    options.seed = seed;
    SimProvider sim({spot}, clock, options);
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) ids.push_back(sim.Launch(Request(spot, std::to_string(i)))->id);
    clock.Set(3600);
    std::vector<bool> out;
    auto described = sim.Describe(ids);
    for (const auto& inst : *described) out.push_back(inst.reason == TerminationReason::kPreempted);
    return out;
  };
  EXPECT_EQ(preempted_by(7), preempted_by(7));
  EXPECT_NE(preempted_by(7), preempted_by(8));
  auto one = preempted_by(7);
  const long hits = std::count(one.begin(), one.end(), true);
  EXPECT_GT(hits, 0);  // 1 - e^-0.5 = 39% expected within the hour
  EXPECT_LT(hits, 20);
}

LaunchRequest WorkRequest(const Offer& offer, const std::string& key, const std::string& attempt,
                          std::map<std::string, std::string> work) {
  LaunchRequest r = Request(offer, key);
  r.tags[kTagStage] = "train";
  r.tags[kTagAttempt] = attempt;
  r.tags.insert(work.begin(), work.end());
  return r;
}

TEST(SimProviderTest, AgentReportsTheSimulatedStageOnceRunning) {
  ManualClock clock;
  Offer od = MakeOffer("", Market::kOnDemand);
  SimOptions options;
  options.boot_seconds = 60;
  SimProvider sim({od}, clock, options);
  auto a = sim.Launch(
      WorkRequest(od, "k", "1", {{kTagWorkSeconds, "1000"}, {kTagCheckpointSeconds, "200"}}));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->agent.has_value());
  clock.Set(30);
  EXPECT_FALSE(sim.Describe({a->id})->at(0).agent.has_value());  // still booting
  clock.Set(60 + 450);
  auto mid = sim.ListByTag(kTagPipeline, "p1")->at(0).agent;
  ASSERT_TRUE(mid.has_value());
  EXPECT_DOUBLE_EQ(mid->progress, 0.45);
  EXPECT_DOUBLE_EQ(mid->checkpoint, 0.4);
  EXPECT_FALSE(mid->exit_code.has_value());
  clock.Set(60 + 1000);
  auto done = sim.Describe({a->id})->at(0);
  EXPECT_EQ(done.state, InstanceState::kRunning);  // a finished VM stays up until terminated
  EXPECT_EQ(done.agent->exit_code, 0);
  EXPECT_EQ(sim.AllInstances().at(0).agent->exit_code, 0);
  // Without the work tag there is nothing to report.
  auto plain = sim.Launch(Request(od, "plain"));
  clock.Advance(100);
  EXPECT_FALSE(sim.Describe({plain->id})->at(0).agent.has_value());
}

TEST(SimProviderTest, AgentReportFreezesWhenTheInstanceStops) {
  ManualClock clock;
  Offer spot = MakeOffer("us-west-2a", Market::kSpot);
  SimOptions options;
  options.boot_seconds = 0;
  options.traces[spot.location_id()] = Trace({1, 1, 0, 1});  // a dip at 1200..1800
  Offer od = MakeOffer("", Market::kOnDemand);
  SimProvider sim({spot, od}, clock, options);
  const std::map<std::string, std::string> work = {{kTagWorkSeconds, "10000"},
                                                   {kTagCheckpointSeconds, "500"}};
  auto a = sim.Launch(WorkRequest(spot, "a", "1", work));
  auto b = sim.Launch(WorkRequest(od, "b", "1", work));
  ASSERT_TRUE(a.ok() && b.ok());
  clock.Set(1500);  // the preemption happened at the dip's start, 1200
  auto preempted = sim.Describe({a->id})->at(0);
  EXPECT_EQ(preempted.reason, TerminationReason::kPreempted);
  ASSERT_TRUE(preempted.agent.has_value());
  EXPECT_DOUBLE_EQ(preempted.agent->progress, 0.12);
  EXPECT_DOUBLE_EQ(preempted.agent->checkpoint, 0.1);
  EXPECT_FALSE(preempted.agent->exit_code.has_value());
  clock.Set(3000);
  ASSERT_TRUE(sim.Terminate(b->id).ok());
  clock.Set(20000);
  auto described = sim.Describe({a->id, b->id});
  EXPECT_DOUBLE_EQ(described->at(0).agent->progress, 0.12);  // still frozen
  EXPECT_DOUBLE_EQ(described->at(1).agent->progress, 0.3);
  EXPECT_DOUBLE_EQ(described->at(1).agent->checkpoint, 0.3);
  EXPECT_FALSE(described->at(1).agent->exit_code.has_value());
}

TEST(SimProviderTest, CountsAttemptsLaunchedTwice) {
  ManualClock clock;
  Offer od = MakeOffer("", Market::kOnDemand);
  SimProvider sim({od}, clock);
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k1", "1", {})).ok());
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k1", "1", {})).ok());  // a replay: no new instance
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k2", "1", {})).ok());  // same attempt, new key
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k3", "1", {})).ok());  // a third carrier: still one
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k4", "2", {})).ok());
  ASSERT_TRUE(sim.Launch(Request(od, "k5")).ok());  // no attempt tag: ignored
  ASSERT_TRUE(sim.Launch(Request(od, "k6")).ok());
  EXPECT_EQ(sim.stats().duplicate_attempts, 1);
  ASSERT_TRUE(sim.Launch(WorkRequest(od, "k7", "2", {})).ok());
  EXPECT_EQ(sim.stats().duplicate_attempts, 2);
  EXPECT_EQ(sim.AllInstances().size(), 7u);
}

TEST(SimProviderTest, ApiLatencyDelaysLaunchInRealTime) {
  ManualClock clock;
  Offer od = MakeOffer("", Market::kOnDemand);
  SimOptions options;
  options.api_latency_seconds = 0.05;
  SimProvider sim({od}, clock, options);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(sim.Launch(Request(od, "k")).ok());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took.count(), 0.05);
  EXPECT_EQ(clock.NowSeconds(), 0);  // real time only: the simulated clock did not move
}

TEST(SpotTraceTest, ParsesTheRealCantBeLateTraces) {
  const std::string path = std::string(SKY_SHARED_DIR) +
                           "/data/spot_traces/cant_be_late_nsdi24/availability/1-node/"
                           "aws-02-15-2023/us-east-1a_v100_1.json";
  auto trace = LoadSpotTrace(path);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_DOUBLE_EQ(trace->gap_seconds, 195);
  EXPECT_EQ(trace->available.size(), 20158u);
  for (int v : trace->available) EXPECT_TRUE(v == 0 || v == 1);
  EXPECT_EQ(trace->AvailableAt(-5), trace->available.front());
  EXPECT_EQ(trace->AvailableAt(1e12), trace->available.back());
  EXPECT_EQ(trace->AvailableAt(195 * 3 + 1), trace->available[3]);
}

TEST(SpotTraceTest, RejectsMalformedTracesNamingTheField) {
  EXPECT_NE(ParseSpotTrace("[1]").status().message().find("object"), std::string::npos);
  EXPECT_NE(ParseSpotTrace(R"({"metadata":{"gap_seconds":0},"data":[1]})")
                .status()
                .message()
                .find("gap_seconds"),
            std::string::npos);
  EXPECT_NE(ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[1,-1]})")
                .status()
                .message()
                .find("data[1]"),
            std::string::npos);
  EXPECT_NE(ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[1,0],"prices":[1]})")
                .status()
                .message()
                .find("prices"),
            std::string::npos);
  EXPECT_TRUE(LoadSpotTrace("/nonexistent.json").status().IsNotFound());
  auto ok = ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[1,0],"prices":[0.9,1.1]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_DOUBLE_EQ(*ok->PriceAt(61), 1.1);
}

// Found by fuzzing (tests/fuzz/regressions/spot_trace): converting such a count to int was
// undefined behaviour.
TEST(SpotTraceTest, RejectsCountsAboveIntMax) {
  auto big = ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[1,1.3e62]})");
  EXPECT_TRUE(big.status().IsInvalidArgument());
  EXPECT_NE(big.status().message().find("data[1]"), std::string::npos);
  EXPECT_FALSE(ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[2147483648]})").ok());
  EXPECT_TRUE(ParseSpotTrace(R"({"metadata":{"gap_seconds":60},"data":[2147483647]})").ok());
}

}  // namespace
}  // namespace sky::providers
