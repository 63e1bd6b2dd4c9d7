// The executor's life cycle on the sim cloud: a clean run with its costs and events, cancel,
// heartbeats with their tokens, and restarts (reconcile: adopt, terminate, relaunch with the
// same idempotency key).
#include <gtest/gtest.h>

#include "tests/broker/executor_fixture.h"
#include "tests/broker/fault_providers.h"
#include "tests/support/status_matchers.h"

namespace sky::testing {
namespace {

using broker::PipelineState;
using broker::StageState;

// Hides the sim's relayed agent reports, as a real cloud would: only heartbeats tell progress.
class SilentAgentProvider : public providers::ProviderWrapper {
 public:
  using ProviderWrapper::ProviderWrapper;
  Result<std::vector<providers::Instance>> Describe(const std::vector<std::string>& ids) override {
    auto result = target().Describe(ids);
    if (result.ok()) {
      for (auto& inst : *result) inst.agent.reset();
    }
    return result;
  }
};

class ExecutorTest : public ExecutorFixture {
 protected:
  broker::StageRecord StageOf(const std::string& id, const std::string& name) {
    auto p = store().GetPipeline(id);
    for (const auto& s : p->stages) {
      if (s.name == name) return s;
    }
    ADD_FAILURE() << "no stage " << name;
    return {};
  }
  // Runs until `stage` is in `state` (or 24 h of clock time pass).
  void RunUntilStage(const std::string& id, const std::string& stage, StageState state) {
    for (int i = 0; i < 10000 && StageOf(id, stage).state != state; ++i) {
      executor().RunDue();
      auto wait = executor().NextWakeIn();
      clock().Advance(wait ? std::max(*wait, 1.0) : 30.0);
    }
    ASSERT_EQ(StageOf(id, stage).state, state);
  }
};

TEST_F(ExecutorTest, RunsAPipelineToTheEndWithCostsAndEvents) {
  StartExecutor(sim());
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded) << EventLog(id);
  auto view = executor().Get(id);
  ASSERT_OK(view);
  ASSERT_EQ(view->attempts.size(), 3u);
  double sum = 0;
  for (const auto& a : view->attempts) {
    EXPECT_EQ(a.outcome, "succeeded");
    EXPECT_GT(a.cost_usd, 0);
    sum += a.cost_usd;
  }
  EXPECT_NEAR(view->actual_cost_usd, sum, 1e-9);
  // Train: $1/h spot for 4 h of work plus boot and polling; the plan priced it with expected
  // preemptions, so the actual cost sits close to the estimate.
  EXPECT_NEAR(view->actual_cost_usd, view->estimated_cost_usd, 0.6);
  EXPECT_EQ(executor().transitions_written(), 9)
      << "3 stages x pending->provisioning->running->succeeded";
  EXPECT_EQ(sim().stats().live, 0);
  EXPECT_EQ(executor().active(), 0u);
}

TEST_F(ExecutorTest, CancelLeavesNoInstanceRunningAndRecordsTheCost) {
  StartExecutor(sim());
  const std::string id = Submit(ThreeStageSpec(12));
  RunUntilStage(id, "train", StageState::kRunning);
  RunFor(3600);
  EXPECT_EQ(sim().stats().live, 1);
  ASSERT_OK(executor().Cancel(id, "user asked"));
  EXPECT_EQ(store().GetPipeline(id)->state, PipelineState::kCancelled);
  EXPECT_EQ(sim().stats().live, 0);
  for (const auto& a : AttemptsOf(id, "train")) {
    EXPECT_EQ(a.outcome, "cancelled");
    EXPECT_GT(a.cost_usd, 0.9) << "about an hour at $1/h";
  }
  EXPECT_TRUE(executor().Cancel(id, "again").IsFailedPrecondition());
  EXPECT_TRUE(executor().Cancel("p-nope", "x").IsNotFound());
  RunFor(600);
  EXPECT_EQ(sim().stats().launches, 2) << "nothing launches after a cancel";
}

TEST_F(ExecutorTest, HeartbeatsNeedTheAttemptsTokenAndCanFinishAStage) {
  SilentAgentProvider cloud(sim());
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  RunUntilStage(id, "prep", StageState::kRunning);
  const broker::StageRecord prep = StageOf(id, "prep");
  broker::HeartbeatReport report;
  report.progress = 0.5;
  EXPECT_TRUE(executor().Heartbeat(id, "prep", "tok-wrong", report).IsUnauthenticated());
  EXPECT_TRUE(executor().Heartbeat(id, "nope", "x", report).IsNotFound());
  report.progress = 1.5;
  EXPECT_TRUE(
      executor().Heartbeat(id, "prep", "tok-" + prep.idempotency_key, report).IsInvalidArgument());
  report.progress = 0.5;
  report.checkpoint = 0.25;
  ASSERT_OK(executor().Heartbeat(id, "prep", "tok-" + prep.idempotency_key, report));
  EXPECT_DOUBLE_EQ(StageOf(id, "prep").progress, 0.5);
  EXPECT_DOUBLE_EQ(StageOf(id, "prep").checkpoint, 0.25);
  report.exit_code = 0;
  report.progress = 1;
  ASSERT_OK(executor().Heartbeat(id, "prep", "tok-" + prep.idempotency_key, report));
  EXPECT_EQ(StageOf(id, "prep").state, StageState::kSucceeded);
  EXPECT_TRUE(executor()
                  .Heartbeat(id, "prep", "tok-" + prep.idempotency_key, report)
                  .IsFailedPrecondition());
  EXPECT_EQ(sim().stats().live, 0) << "the finished stage's instance is terminated";
}

TEST_F(ExecutorTest, RestartAdoptsExpectedInstancesAndTerminatesStrayOnes) {
  StartExecutor(sim());
  const std::string id = Submit(ThreeStageSpec(12));
  RunUntilStage(id, "train", StageState::kRunning);
  // A stray instance of this deployment that no attempt expects (e.g. from a lost launch).
  providers::LaunchRequest stray;
  stray.offer = TestOffers()[1];
  stray.idempotency_key = "stray";
  stray.tags = {{providers::kTagDeployment, "default"},
                {providers::kTagPipeline, id},
                {providers::kTagStage, "train"},
                {providers::kTagAttempt, "7"}};
  ASSERT_OK(sim().Launch(stray));
  world_->StopExecutor();  // the broker goes away; the cloud keeps running
  clock().Advance(600);
  StartExecutor(sim());
  EXPECT_EQ(sim().stats().live, 1) << "the stray one is gone, train's instance is kept";
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded) << EventLog(id);
  EXPECT_EQ(AttemptsOf(id, "train").size(), 1u) << "train was adopted, not relaunched";
  EXPECT_EQ(EventsOf(id, "reconcile").size(), 2u);
  EXPECT_EQ(sim().stats().launches, 4);  // 3 stages + the stray
  EXPECT_EQ(sim().stats().live, 0);
  EXPECT_EQ(sim().stats().duplicate_attempts, 0);
}

TEST_F(ExecutorTest, LaunchLostInACrashIsReplayedWithTheSameKey) {
  // The cloud creates the instance but the broker dies before hearing the answer.
  class LosingProvider : public providers::ProviderWrapper {
   public:
    using ProviderWrapper::ProviderWrapper;
    Result<providers::Instance> Launch(const providers::LaunchRequest& request) override {
      auto created = target().Launch(request);
      if (created.ok() && request.tags.at(providers::kTagStage) == "train" && !lost_) {
        lost_ = true;
        return Status::Unavailable("connection reset before the response");
      }
      return created;
    }
    bool lost_ = false;
  } cloud(sim());
  StartExecutor(cloud);
  const std::string id = Submit(ThreeStageSpec(12));
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kSucceeded) << EventLog(id);
  EXPECT_EQ(AttemptsOf(id, "train").size(), 1u);
  EXPECT_EQ(sim().stats().idempotent_replays, 1) << "the retry found the instance by its key";
  EXPECT_EQ(sim().stats().launches, 3);
  EXPECT_EQ(sim().stats().duplicate_attempts, 0);
}

TEST_F(ExecutorTest, InvalidSpecsAreRejectedAtSubmit) {
  StartExecutor(sim());
  std::vector<planner::SpecIssue> issues;
  auto id = executor().Submit("team-a", R"({"name": "x", "stages": [{"name": "a"}]})", &issues);
  ASSERT_FALSE(id.ok());
  EXPECT_TRUE(id.status().IsInvalidArgument());
  EXPECT_FALSE(issues.empty());
}

TEST_F(ExecutorTest, InfeasiblePipelineFailsWithTheReason) {
  StartExecutor(sim());
  const std::string id = Submit(ThreeStageSpec(1));  // 5 h of work, 1 h of deadline
  ASSERT_EQ(RunUntilTerminal(id), PipelineState::kFailed);
  auto transitions = store().Transitions(id);
  EXPECT_NE(transitions->back().reason.find("no feasible plan"), std::string::npos)
      << transitions->back().reason;
  EXPECT_EQ(sim().stats().launches, 0);
}

}  // namespace
}  // namespace sky::testing
