// The executor against the sim cloud's own injected faults (SimOptions::error_rate,
// timeout_rate, throttling bursts): 5xx errors, ambiguous timeouts of launch and terminate,
// and periodic throttling. Whatever the cloud does, every pipeline ends, its costs are
// recorded, no instance is left running and no attempt is launched twice. The soak script
// (tests/bench/soak.sh) runs the same at scale over REST; this is its deterministic core.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sky/types/mutex.h"
#include "tests/broker/executor_fixture.h"
#include "tests/broker/fault_providers.h"
#include "tests/support/status_matchers.h"

namespace sky::testing {
namespace {

using broker::PipelineState;

// Answers Terminate of a `stage`'s instances with a 5xx, `times` times over the test.
class TerminateFailingProvider : public providers::ProviderWrapper {
 public:
  TerminateFailingProvider(providers::Provider& target, std::string stage, int times)
      : ProviderWrapper(target), stage_(std::move(stage)), times_left_(times) {}

  Status Terminate(const std::string& id) override {
    auto described = target().Describe({id});
    if (described.ok() && !described->empty()) {
      const auto& tags = described->front().tags;
      auto stage = tags.find(providers::kTagStage);
      MutexLock lock(mu_);
      if (stage != tags.end() && stage->second == stage_ && times_left_ > 0) {
        --times_left_;
        return Status::Unavailable("503 Service Unavailable");
      }
    }
    return target().Terminate(id);
  }
  int times_left() const {
    MutexLock lock(mu_);
    return times_left_;
  }

 private:
  const std::string stage_;
  mutable Mutex mu_;
  int times_left_ SKY_GUARDED_BY(mu_);
};

// Two independent CPU stages: `quick` (30 min) and `slow` (4 h), side by side.
std::string TwoParallelStagesSpec() {
  return R"({"name": "par", "deadline_hours": 12, "stages": [
      {"name": "quick", "resources": {"cpus": 8}, "runtime_hours": 0.5, "command": "a"},
      {"name": "slow", "resources": {"cpus": 8}, "runtime_hours": 4, "command": "b"}]})";
}

class FaultyCloudTest : public ExecutorFixture {
 protected:
  // Replaces the fixture's sim with one injecting `options`' faults (timeouts take no time).
  void UseFaultySim(providers::SimOptions options) {
    options.boot_seconds = sim_options_.boot_seconds;
    options.timeout_seconds = 0;
    world_->StartSim(TestOffers(), options);
  }

  // Runs until every pipeline in `ids` is terminal and the executor has nothing left to do
  // (terminations of finished pipelines included), or `max_hours` of clock time pass.
  void RunUntilAllDone(const std::vector<std::string>& ids, double max_hours) {
    const double stop = clock().NowSeconds() + max_hours * 3600;
    while (clock().NowSeconds() < stop) {
      executor().RunDue();
      if (AllTerminal(ids) && executor().active() == 0) return;
      auto wait = executor().NextWakeIn();
      clock().Advance(wait ? std::max(*wait, 1.0) : 30.0);
    }
  }

  bool AllTerminal(const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
      auto p = store().GetPipeline(id);
      if (!p.ok() || !broker::IsTerminal(p->state)) return false;
    }
    return true;
  }

  // Every attempt of `id` has ended, and a cost is recorded for the ones that ran.
  void ExpectCostsAccounted(const std::string& id) {
    auto view = executor().Get(id);
    ASSERT_OK(view);
    for (const auto& a : view->attempts) {
      EXPECT_FALSE(a.outcome.empty()) << id << " " << a.stage << " attempt " << a.attempt;
      EXPECT_GE(a.cost_usd, 0);
    }
    if (view->record.state == PipelineState::kSucceeded) {
      EXPECT_GT(view->actual_cost_usd, 0);
    }
  }
};

TEST_F(FaultyCloudTest, ManyPipelinesEndCleanlyThroughErrorsTimeoutsAndThrottling) {
  providers::SimOptions options;
  options.error_rate = 0.10;
  options.timeout_rate = 0.05;
  options.throttle_burst_every_seconds = 1800;
  options.throttle_burst_seconds = 120;
  options.seed = 3;
  UseFaultySim(options);
  StartExecutor(sim());
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(Submit(ThreeStageSpec(12)));
  RunUntilAllDone(ids, 48);
  int succeeded = 0;
  for (const std::string& id : ids) {
    auto p = store().GetPipeline(id);
    ASSERT_OK(p);
    ASSERT_TRUE(broker::IsTerminal(p->state)) << EventLog(id);
    succeeded += p->state == PipelineState::kSucceeded ? 1 : 0;
    ExpectCostsAccounted(id);
  }
  EXPECT_EQ(succeeded, 12) << "faults are retried, never fatal";
  const providers::SimStats stats = sim().stats();
  EXPECT_GT(stats.injected_errors, 0);
  EXPECT_GT(stats.injected_timeouts, 0);
  EXPECT_GT(stats.injected_throttles, 0);
  EXPECT_EQ(stats.live, 0) << "no instance left running";
  for (const auto& inst : sim().AllInstances()) {
    if (inst.state == providers::InstanceState::kTerminated) continue;
    const std::string pipeline = inst.tags.at(providers::kTagPipeline);
    ADD_FAILURE() << "left running: " << inst.id << " of " << pipeline << " "
                  << inst.tags.at(providers::kTagStage) << " attempt "
                  << inst.tags.at(providers::kTagAttempt) << "\n"
                  << EventLog(pipeline);
  }
  EXPECT_EQ(stats.duplicate_attempts, 0);
  EXPECT_EQ(executor().active(), 0u);
}

// Regression: a pipeline that failed while the cloud refused to terminate a sibling stage's
// instance used to drop out of the schedule, leaving that instance running until a restart.
TEST_F(FaultyCloudTest, FailedPipelineKeepsTerminatingWhileTheCloudRefuses) {
  options_.max_stage_failures = 1;
  FailingCommandProvider failing(sim(), "quick", 1);
  TerminateFailingProvider cloud(failing, "slow", 3);
  StartExecutor(cloud);
  const std::string id = Submit(TwoParallelStagesSpec());
  ASSERT_EQ(RunUntilTerminal(id, 2), PipelineState::kFailed) << EventLog(id);
  RunFor(3600);
  EXPECT_EQ(cloud.times_left(), 0);
  EXPECT_EQ(sim().stats().live, 0) << "the slow stage's instance is terminated in the end";
  ExpectCostsAccounted(id);
  EXPECT_EQ(executor().active(), 0u);
}

}  // namespace
}  // namespace sky::testing
