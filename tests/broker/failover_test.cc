// Failover scenarios (issue #5 "Must show"): the executor on the sim cloud behind
// fault-injecting wrappers, on a manual clock.
#include <gtest/gtest.h>

#include <set>

#include "tests/broker/executor_fixture.h"
#include "tests/broker/fault_providers.h"

namespace sky::testing {
namespace {

using broker::PipelineState;
using broker::StageState;

class FailoverTest : public ExecutorFixture {
 protected:
  const broker::StageRecord& Stage(const broker::PipelineRecord& p, const std::string& name) {
    for (const auto& s : p.stages) {
      if (s.name == name) return s;
    }
    ADD_FAILURE() << "no stage " << name;
    return p.stages.front();
  }
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(FailoverTest, PreemptionMidStageMovesTheStageAndFinishes) {
  PreemptingProvider cloud(sim(), clock(), "train", 1.5 * 3600);
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded);
  EXPECT_EQ(cloud.preempted(), 1);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 2u);
  EXPECT_EQ(train[0].outcome, "preempted");
  EXPECT_EQ(train[0].location, "gcp:us-central1:us-central1-a");  // the cheapest spot zone
  EXPECT_NE(train[1].location, train[0].location) << "the preempted zone is blocked";
  EXPECT_EQ(train[1].outcome, "succeeded");
  // 1.5 h after launch, less the 60 s boot: two 30-minute checkpoints of 4 h were saved.
  bool resumed = false;
  for (const auto& inst : sim().AllInstances()) {
    if (inst.id == train[1].instance_id) {
      resumed = inst.tags.at(providers::kTagResumeFrom) == "0.250000";
    }
  }
  EXPECT_TRUE(resumed) << "the second attempt resumes from the last checkpoint";
  EXPECT_EQ(EventsOf(id, "preempted").size(), 1u);
  ASSERT_FALSE(EventsOf(id, "replan").empty());
  EXPECT_EQ(sim().stats().live, 0);
  EXPECT_EQ(sim().stats().duplicate_attempts, 0);
}

TEST_F(FailoverTest, CapacityErrorsWalkDownTheCandidates) {
  const std::set<std::string> full = {"us-central1-a", "europe-west4-a", "us-central1-b"};
  RefusingProvider cloud(sim(), [&](const providers::LaunchRequest& r) {
    if (r.offer.market == Market::kSpot && full.count(r.offer.zone)) {
      return Status::ResourceExhausted("ZONE_RESOURCE_POOL_EXHAUSTED in " + r.offer.zone)
          .WithReason("capacity");
    }
    return Status::Ok();
  });
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded) << EventLog(id);
  const auto refused = cloud.refused();
  ASSERT_EQ(refused.size(), 3u) << "each full zone is tried once, then blocked";
  EXPECT_EQ(std::set<std::string>(refused.begin(), refused.end()).size(), 3u);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 4u);
  EXPECT_EQ(train[0].location, "gcp:us-central1:us-central1-a");
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(train[i].outcome, "capacity") << i;
  EXPECT_EQ(train[3].location, "gcp:us-central1:us-central1-c") << "the cheapest place left";
  EXPECT_EQ(train[3].market, "spot");
  EXPECT_EQ(EventsOf(id, "capacity").size(), 3u);
  EXPECT_EQ(sim().stats().live, 0);
}

TEST_F(FailoverTest, QuotaErrorBlocksTheWholeRegion) {
  RefusingProvider cloud(sim(), [](const providers::LaunchRequest& r) {
    if (r.offer.accelerator == "A100" && r.offer.region == "us-central1") {
      return Status::ResourceExhausted("QUOTA_EXCEEDED: NVIDIA_A100_GPUS in us-central1")
          .WithReason("quota");
    }
    return Status::Ok();
  });
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 2u) << "one quota error, then straight to another region";
  EXPECT_EQ(train[0].outcome, "quota");
  EXPECT_TRUE(Contains(train[1].location, "gcp:europe-west4")) << train[1].location;
  auto quota = EventsOf(id, "quota");
  ASSERT_EQ(quota.size(), 1u);
  EXPECT_TRUE(Contains(quota[0].message, "blocking gcp:us-central1 for")) << quota[0].message;
}

TEST_F(FailoverTest, ThrottlingBacksOffAndNeverFailsOver) {
  int throttles = 4;
  RefusingProvider cloud(sim(), [&](const providers::LaunchRequest& r) {
    if (r.offer.accelerator == "A100" && throttles > 0) {
      --throttles;
      return Status::Unavailable("RequestLimitExceeded (HTTP 429)").WithReason("throttled");
    }
    return Status::Ok();
  });
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 1u) << "throttling keeps the attempt";
  EXPECT_EQ(train[0].location, "gcp:us-central1:us-central1-a") << "no failover";
  std::set<std::string> train_keys;
  for (const auto& key : cloud.launch_keys()) {
    if (Contains(key, "-1-")) train_keys.insert(key);
  }
  EXPECT_EQ(train_keys.size(), 1u) << "every retry reuses the idempotency key";
  EXPECT_EQ(EventsOf(id, "throttled").size(), 4u);
  EXPECT_TRUE(EventsOf(id, "capacity").empty());
  EXPECT_EQ(sim().stats().launches, 3) << "one instance per stage";
}

TEST_F(FailoverTest, DeadlineThatBecomesTightForcesOnDemand) {
  PreemptingProvider cloud(sim(), clock(), "train", 3 * 3600);
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(6));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 2u);
  EXPECT_EQ(train[0].market, "spot");
  EXPECT_EQ(train[1].market, "on_demand") << "spot's worst case no longer fits the time left";
  auto deadline = EventsOf(id, "deadline");
  ASSERT_EQ(deadline.size(), 1u);
  EXPECT_TRUE(Contains(deadline[0].message, "switching 'train' to on-demand"))
      << deadline[0].message;
  auto p = store().GetPipeline(id);
  EXPECT_LE(p->updated_at, p->created_at + 6 * 3600) << "the deadline is met";
}

// Regression: an on-demand move forced by blocked spot zones was blamed on the deadline.
TEST_F(FailoverTest, OnDemandAfterEverySpotZoneIsBlockedIsNotBlamedOnTheDeadline) {
  PreemptingProvider cloud(sim(), clock(), "train", 600, /*times=*/3);
  StartExecutor(cloud);
  const std::string id =
      Submit(ThreeStageSpec(24, R"(, "constraints": {"regions": ["us-central1"]})"));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded) << EventLog(id);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 4u);
  EXPECT_EQ(train[3].market, "on_demand");
  EXPECT_TRUE(EventsOf(id, "deadline").empty()) << EventLog(id);
  auto market = EventsOf(id, "market");
  ASSERT_EQ(market.size(), 1u) << EventLog(id);
  EXPECT_TRUE(Contains(market[0].message, "the cheapest place left")) << market[0].message;
}

TEST_F(FailoverTest, StageFailingThreeTimesFailsThePipelineWithItsLogs) {
  FailingCommandProvider cloud(sim(), "train", 3);
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(24));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kFailed);
  auto p = store().GetPipeline(id);
  EXPECT_EQ(Stage(*p, "prep").state, StageState::kSucceeded);
  EXPECT_EQ(Stage(*p, "train").state, StageState::kFailed);
  EXPECT_EQ(Stage(*p, "train").failures, 3);
  EXPECT_EQ(Stage(*p, "eval").state, StageState::kFailed);
  auto train = AttemptsOf(id, "train");
  ASSERT_EQ(train.size(), 3u);
  for (const auto& a : train) EXPECT_EQ(a.outcome, "failed");
  bool logged = false;
  auto transitions = store().Transitions(id);
  for (const auto& t : *transitions) {
    if (t.stage == std::optional<std::string>("train") && t.to_state == "failed") {
      logged = Contains(t.reason, "exit 3") && Contains(t.reason, "CUDA out of memory");
    }
  }
  EXPECT_TRUE(logged) << "the failure carries the exit code and the last log lines";
  EXPECT_EQ(sim().stats().live, 0);
}

}  // namespace
}  // namespace sky::testing
