#include "providers/sim/sim_faults.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sky/providers/sim_provider.h"

namespace sky::providers {
namespace {

Offer OnDemandOffer() {
  Offer o;
  o.provider = "aws";
  o.region = "us-west-2";
  o.instance_type = "p3.2xlarge";
  o.accelerator = "V100";
  o.accelerator_count = 1;
  o.market = Market::kOnDemand;
  o.price_per_hour = 3.06;
  o.id = MakeOfferId(o);
  return o;
}

LaunchRequest Request(const Offer& offer, const std::string& key) {
  LaunchRequest r;
  r.offer = offer;
  r.idempotency_key = key;
  r.tags = {{kTagPipeline, "p1"}, {kTagStage, key}};
  return r;
}

SimOptions Faulty(double error_rate, double timeout_rate, uint64_t seed = 7) {
  SimOptions options;
  options.error_rate = error_rate;
  options.timeout_rate = timeout_rate;
  options.timeout_seconds = 0;  // no real waiting in unit tests
  options.seed = seed;
  return options;
}

// The outcome of `calls` faulted calls, as a string of letters (for comparing sequences).
std::string Sequence(SimFaults& faults, int calls) {
  std::string out;
  for (int i = 0; i < calls; ++i) out += "nethT"[static_cast<int>(faults.Next(i, true))];
  return out;
}

TEST(SimFaultsTest, SameSeedSameFaultsAndAnotherSeedOthers) {
  SimFaults a(Faulty(0.2, 0.2, 7)), b(Faulty(0.2, 0.2, 7)), c(Faulty(0.2, 0.2, 8));
  const std::string first = Sequence(a, 200);
  EXPECT_EQ(first, Sequence(b, 200));
  EXPECT_NE(first, Sequence(c, 200));
  EXPECT_NE(first.find('e'), std::string::npos);
  EXPECT_NE(first.find('T'), std::string::npos);  // a timeout after acting
  EXPECT_NE(first.find('h'), std::string::npos);  // a timeout before acting
}

TEST(SimFaultsTest, NoRatesNoFaults) {
  SimFaults faults(SimOptions{});
  EXPECT_EQ(Sequence(faults, 100), std::string(100, 'n'));
}

TEST(SimFaultsTest, ErrorsFailTheirFractionOfCallsBeforeActing) {
  ManualClock clock;
  Offer od = OnDemandOffer();
  SimProvider sim({od}, clock, Faulty(0.3, 0));
  int failed = 0;
  for (int i = 0; i < 1000; ++i) {
    Result<Instance> launched = sim.Launch(Request(od, "k" + std::to_string(i)));
    if (launched.ok()) continue;
    ++failed;
    ASSERT_TRUE(launched.status().IsUnavailable()) << launched.status().ToString();
    EXPECT_EQ(launched.status().reason(), "");  // a 5xx, not throttling
  }
  EXPECT_GT(failed, 250);
  EXPECT_LT(failed, 350);
  const SimStats stats = sim.stats();
  EXPECT_EQ(stats.injected_errors, failed);
  EXPECT_EQ(stats.launches, 1000 - failed);  // a failed launch created nothing
  EXPECT_EQ(sim.AllInstances().size(), static_cast<size_t>(1000 - failed));
}

TEST(SimFaultsTest, LaunchTimeoutsAreAmbiguousAndTheIdempotencyKeyResolvesThem) {
  ManualClock clock;
  Offer od = OnDemandOffer();
  SimProvider sim({od}, clock, Faulty(0, 0.5));
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    Result<Instance> launched = sim.Launch(Request(od, key));
    for (int tries = 0; !launched.ok() && tries < 50; ++tries) {
      ASSERT_TRUE(launched.status().IsDeadlineExceeded()) << launched.status().ToString();
      launched = sim.Launch(Request(od, key));  // retried with the same key
    }
    ASSERT_TRUE(launched.ok()) << key;
  }
  const SimStats stats = sim.stats();
  EXPECT_GT(stats.injected_timeouts, 20);
  EXPECT_EQ(stats.launches, 100);  // one instance per key, however many timeouts
  // Some timed-out launches had created their instance: the retry found it by its key.
  EXPECT_GT(stats.idempotent_replays, 5);
  EXPECT_EQ(stats.duplicate_attempts, 0);
}

TEST(SimFaultsTest, TerminateTimeoutMayStillTerminate) {
  ManualClock clock;
  Offer od = OnDemandOffer();
  SimOptions options = Faulty(0, 1);  // every call times out
  SimProvider sim({od}, clock, options);
  int created = 0, stopped = 0;
  for (int i = 0; i < 40; ++i) {
    EXPECT_TRUE(sim.Launch(Request(od, "k" + std::to_string(i))).status().IsDeadlineExceeded());
  }
  for (const Instance& inst : sim.AllInstances()) {
    ++created;
    EXPECT_TRUE(sim.Terminate(inst.id).IsDeadlineExceeded());
  }
  for (const Instance& inst : sim.AllInstances()) {
    stopped += inst.state == InstanceState::kTerminated ? 1 : 0;
  }
  // About half of each: some calls acted before timing out, others did not.
  EXPECT_GT(created, 5);
  EXPECT_LT(created, 35);
  EXPECT_GT(stopped, 0);
  EXPECT_LT(stopped, created);
  EXPECT_EQ(sim.stats().injected_timeouts, 40 + created);
}

TEST(SimFaultsTest, TimeoutTakesTimeoutSecondsOfRealTime) {
  ManualClock clock;
  SimOptions options = Faulty(0, 1);
  options.timeout_seconds = 0.05;
  SimProvider sim({OnDemandOffer()}, clock, options);
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<Instance>> described = sim.Describe({});
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(described.status().IsDeadlineExceeded()) << described.status().ToString();
  EXPECT_GE(took, 0.05);
}

TEST(SimFaultsTest, ThrottlingBurstsFailEveryCallThenPass) {
  ManualClock clock;
  Offer od = OnDemandOffer();
  SimOptions options;
  options.throttle_burst_every_seconds = 100;
  options.throttle_burst_seconds = 10;
  SimProvider sim({od}, clock, options);
  clock.Set(5);  // inside the first burst (0..10)
  Status throttled = sim.Launch(Request(od, "a")).status();
  EXPECT_TRUE(throttled.IsUnavailable()) << throttled.ToString();
  EXPECT_EQ(throttled.reason(), "throttled");
  EXPECT_EQ(sim.ListByTag(kTagPipeline, "p1").status().reason(), "throttled");
  EXPECT_EQ(sim.ListOffers().status().reason(), "throttled");
  clock.Set(50);
  auto launched = sim.Launch(Request(od, "a"));
  ASSERT_TRUE(launched.ok()) << launched.status().ToString();
  clock.Set(209.5);  // the third burst (200..210)
  EXPECT_EQ(sim.Terminate(launched->id).reason(), "throttled");
  EXPECT_EQ(sim.Describe({launched->id}).status().reason(), "throttled");
  clock.Set(210);
  EXPECT_TRUE(sim.Terminate(launched->id).ok());
  const SimStats stats = sim.stats();
  EXPECT_EQ(stats.injected_throttles, 5);
  EXPECT_EQ(stats.injected_errors, 0);
  EXPECT_EQ(stats.launches, 1);
}

}  // namespace
}  // namespace sky::providers
