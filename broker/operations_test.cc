#include "sky/broker/operations.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

namespace sky::broker {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kLong{10'000};  // only reached when a test is about to fail anyway

// Work that blocks until the test opens the gate.
class Gate {
 public:
  void Open() { promise_.set_value(); }
  OperationRunner::Work Blocking(std::string result = "{}") {
    return [future = future_, result = std::move(result)](Progress&) -> Result<std::string> {
      future.wait();
      return result;
    };
  }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
};

OperationRunner::Work Returning(std::string json) {
  return [json = std::move(json)](Progress&) -> Result<std::string> { return json; };
}

// Tests declare what the work uses before the runner, so that it outlives the workers.
class OperationRunnerTest : public ::testing::Test {
 protected:
  ManualClock clock_{1000};
};

TEST_F(OperationRunnerTest, RunsWorkAndKeepsItsResult) {
  OperationRunner runner(clock_);
  auto id = runner.Submit(OperationKind::kIngest, "acme", Returning("{\"n\":1}"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->rfind("op_", 0), 0u);
  EXPECT_EQ(id->size(), 15u);
  auto view = runner.Wait(*id, "acme", kLong);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->state, OperationState::kSucceeded);
  EXPECT_EQ(view->kind, OperationKind::kIngest);
  EXPECT_EQ(view->tenant, "acme");
  EXPECT_EQ(view->result, "{\"n\":1}");
  EXPECT_TRUE(view->error.ok());
  EXPECT_EQ(view->created_at, 1000);
  ASSERT_TRUE(view->finished_at.has_value());
  EXPECT_EQ(*view->finished_at, 1000);
}

TEST_F(OperationRunnerTest, OneWorkerRunsOperationsInSubmissionOrder) {
  OperationRunnerOptions options;
  options.threads = 1;
  std::mutex mu;
  std::vector<int> order;
  OperationRunner runner(clock_, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = runner.Submit(OperationKind::kPlan, "t", [&, i](Progress&) -> Result<std::string> {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
      return std::string("{}");
    });
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (const auto& id : ids) ASSERT_TRUE(runner.Wait(id, "t", kLong)->finished());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(OperationRunnerTest, WaitReturnsTheUnfinishedViewWhenTheTimeoutPasses) {
  Gate gate;
  OperationRunner runner(clock_);
  auto id = runner.Submit(OperationKind::kPlan, "t", [&gate](Progress& p) {
    p.Set(3, 10, "solving");
    return gate.Blocking("{\"plan\":true}")(p);
  });
  ASSERT_TRUE(id.ok());
  auto view = runner.Wait(*id, "t", milliseconds(20));
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->finished());
  EXPECT_FALSE(view->finished_at.has_value());
  gate.Open();
  view = runner.Wait(*id, "t", kLong);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state, OperationState::kSucceeded);
  EXPECT_EQ(view->result, "{\"plan\":true}");
  EXPECT_EQ(view->progress.done, 3);
  EXPECT_EQ(view->progress.total, 10);
  EXPECT_EQ(view->progress.message, "solving");
}

TEST_F(OperationRunnerTest, ProgressIsVisibleWhileTheWorkRuns) {
  Gate gate;
  std::promise<void> reported;
  OperationRunner runner(clock_);
  auto id = runner.Submit(OperationKind::kIngest, "t", [&](Progress& p) {
    p.Set(1, 4, "reading vms.csv");
    reported.set_value();
    return gate.Blocking()(p);
  });
  ASSERT_TRUE(id.ok());
  reported.get_future().wait();
  auto view = runner.Get(*id, "t");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state, OperationState::kRunning);
  EXPECT_EQ(view->progress.message, "reading vms.csv");
  gate.Open();
}

TEST_F(OperationRunnerTest, AFailureKeepsItsStatus) {
  OperationRunner runner(clock_);
  auto failed = runner.Submit(OperationKind::kIngest, "t", [](Progress&) -> Result<std::string> {
    return Status::InvalidArgument("vms.csv:3: Price: not a number");
  });
  auto threw = runner.Submit(OperationKind::kRefresh, "t", [](Progress&) -> Result<std::string> {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(failed.ok() && threw.ok());
  auto view = runner.Wait(*failed, "t", kLong);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state, OperationState::kFailed);
  EXPECT_TRUE(view->error.IsInvalidArgument());
  EXPECT_EQ(view->error.message(), "vms.csv:3: Price: not a number");
  EXPECT_TRUE(view->result.empty());
  view = runner.Wait(*threw, "t", kLong);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->state, OperationState::kFailed);
  EXPECT_TRUE(view->error.IsInternal());
  EXPECT_NE(view->error.message().find("boom"), std::string::npos);
}

TEST_F(OperationRunnerTest, AnotherTenantsOperationIsNotFound) {
  OperationRunner runner(clock_);
  auto id = runner.Submit(OperationKind::kPlan, "acme", Returning("{}"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(runner.Wait(*id, "acme", kLong).ok());
  EXPECT_TRUE(runner.Get(*id, "globex").status().IsNotFound());
  EXPECT_TRUE(runner.Wait(*id, "globex", milliseconds(1)).status().IsNotFound());
  EXPECT_TRUE(runner.Get("op_000000000000", "acme").status().IsNotFound());
}

TEST_F(OperationRunnerTest, FinishedOperationsAreDroppedAfterTheirKeepTime) {
  OperationRunner runner(clock_);
  auto id = runner.Submit(OperationKind::kPlan, "t", Returning("{}"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(runner.Wait(*id, "t", kLong)->finished());
  clock_.Advance(3599);
  EXPECT_TRUE(runner.Get(*id, "t").ok());
  clock_.Advance(1);
  EXPECT_TRUE(runner.Get(*id, "t").status().IsNotFound());
}

TEST_F(OperationRunnerTest, OnlyTheLastMaxFinishedOperationsAreKept) {
  OperationRunnerOptions options;
  options.threads = 1;
  options.max_finished = 2;
  OperationRunner runner(clock_, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = runner.Submit(OperationKind::kPlan, "t", Returning("{}"));
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(runner.Wait(*id, "t", kLong)->finished());
    ids.push_back(*id);
  }
  EXPECT_TRUE(runner.Get(ids[0], "t").status().IsNotFound());
  EXPECT_TRUE(runner.Get(ids[1], "t").ok());
  EXPECT_TRUE(runner.Get(ids[2], "t").ok());
}

TEST_F(OperationRunnerTest, RunningOperationsAreNeverDropped) {
  OperationRunnerOptions options;
  options.keep_seconds = 1;
  Gate gate;
  OperationRunner runner(clock_, options);
  auto id = runner.Submit(OperationKind::kRefresh, "t", gate.Blocking());
  ASSERT_TRUE(id.ok());
  clock_.Advance(100);
  EXPECT_TRUE(runner.Get(*id, "t").ok());
  gate.Open();
  EXPECT_TRUE(runner.Wait(*id, "t", kLong)->finished());
}

TEST_F(OperationRunnerTest, SubmitFailsWhenTooManyOperationsWait) {
  OperationRunnerOptions options;
  options.threads = 1;
  options.max_queued = 1;
  Gate gate;
  std::promise<void> started;
  OperationRunner runner(clock_, options);
  auto running = runner.Submit(OperationKind::kPlan, "t", [&](Progress& p) {
    started.set_value();
    return gate.Blocking()(p);
  });
  ASSERT_TRUE(running.ok());
  started.get_future().wait();
  auto queued = runner.Submit(OperationKind::kPlan, "t", Returning("{}"));
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(runner.Get(*queued, "t")->state, OperationState::kQueued);
  auto refused = runner.Submit(OperationKind::kPlan, "t", Returning("{}"));
  EXPECT_TRUE(refused.status().IsResourceExhausted()) << refused.status().ToString();
  gate.Open();
  EXPECT_TRUE(runner.Wait(*queued, "t", kLong)->finished());
}

TEST_F(OperationRunnerTest, ConcurrentSubmitsAllRunWithDistinctIds) {
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::atomic<int> ran{0};
  OperationRunner runner(clock_);
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto id = runner.Submit(OperationKind::kPlan, "t", [&ran](Progress&) {
          ++ran;
          return Result<std::string>(std::string("{}"));
        });
        if (id.ok()) ids[t].push_back(*id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& list : ids) {
    for (const auto& id : list) {
      ASSERT_TRUE(runner.Wait(id, "t", kLong)->finished());
      unique.insert(id);
    }
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(ran.load(), kThreads * kEach);
}

TEST_F(OperationRunnerTest, DestructorDropsQueuedWorkUnrun) {
  auto captured = std::make_shared<int>(0);
  std::atomic<bool> queued_ran{false};
  Gate gate;  // outlives the runner: its worker is blocked on it while the runner stops
  std::thread opener;
  {
    OperationRunnerOptions options;
    options.threads = 1;
    std::promise<void> started;
    OperationRunner runner(clock_, options);
    ASSERT_TRUE(runner
                    .Submit(OperationKind::kPlan, "t",
                            [&](Progress& p) {
                              started.set_value();
                              return gate.Blocking()(p);
                            })
                    .ok());
    started.get_future().wait();
    auto queued = runner.Submit(OperationKind::kPlan, "t", [&queued_ran, captured](Progress&) {
      queued_ran = true;
      return Result<std::string>(std::string("{}"));
    });
    ASSERT_TRUE(queued.ok());
    // Wait returns once the destructor has told the workers to stop (the queued operation
    // cannot finish before): only then is the running work released.
    opener = std::thread([&runner, &gate, id = *queued] {
      (void)runner.Wait(id, "t", kLong);
      gate.Open();
    });
  }
  opener.join();
  EXPECT_FALSE(queued_ran.load());
  EXPECT_EQ(captured.use_count(), 1);  // the queued work (and what it captured) is gone
}

}  // namespace
}  // namespace sky::broker
