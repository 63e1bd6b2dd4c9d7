#include "providers/sim/sim_agent.h"

#include <gtest/gtest.h>

namespace sky::providers {
namespace {

std::map<std::string, std::string> Tags(const std::string& work, const std::string& resume = "",
                                        const std::string& interval = "") {
  std::map<std::string, std::string> tags = {{kTagWorkSeconds, work}};
  if (!resume.empty()) tags[kTagResumeFrom] = resume;
  if (!interval.empty()) tags[kTagCheckpointSeconds] = interval;
  return tags;
}

TEST(SimAgentTest, ReportsProgressCheckpointsAndExit) {
  const auto tags = Tags("1000", "", "300");
  EXPECT_FALSE(SimulateAgentForTags(tags, 100, 99.9).has_value());  // still booting
  auto start = SimulateAgentForTags(tags, 100, 100);
  ASSERT_TRUE(start.has_value());
  EXPECT_DOUBLE_EQ(start->progress, 0);
  EXPECT_DOUBLE_EQ(start->checkpoint, 0);
  EXPECT_FALSE(start->exit_code.has_value());
  auto mid = SimulateAgentForTags(tags, 100, 100 + 650);
  EXPECT_DOUBLE_EQ(mid->progress, 0.65);
  EXPECT_DOUBLE_EQ(mid->checkpoint, 0.6);  // two whole intervals of 300 s
  EXPECT_FALSE(mid->exit_code.has_value());
  auto almost = SimulateAgentForTags(tags, 100, 100 + 999);
  EXPECT_DOUBLE_EQ(almost->checkpoint, 0.9);
  EXPECT_FALSE(almost->exit_code.has_value());
  auto done = SimulateAgentForTags(tags, 100, 100 + 1000);
  EXPECT_DOUBLE_EQ(done->progress, 1);
  EXPECT_DOUBLE_EQ(done->checkpoint, 1);
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->log_tail, "sim: stage finished after 1000 s");
  auto later = SimulateAgentForTags(tags, 100, 1e6);  // stays finished
  EXPECT_EQ(later->exit_code, 0);
  EXPECT_DOUBLE_EQ(later->progress, 1);
}

TEST(SimAgentTest, ResumesFromASavedFraction) {
  const auto tags = Tags("1000", "0.4", "100");
  auto start = SimulateAgentForTags(tags, 0, 0);
  EXPECT_DOUBLE_EQ(start->progress, 0.4);
  EXPECT_DOUBLE_EQ(start->checkpoint, 0.4);
  auto mid = SimulateAgentForTags(tags, 0, 250);
  EXPECT_DOUBLE_EQ(mid->progress, 0.65);
  EXPECT_DOUBLE_EQ(mid->checkpoint, 0.6);
  EXPECT_FALSE(SimulateAgentForTags(tags, 0, 599)->exit_code.has_value());
  auto done = SimulateAgentForTags(tags, 0, 600);  // only (1 - 0.4) * 1000 s left to run
  EXPECT_EQ(done->exit_code, 0);
  EXPECT_EQ(done->log_tail, "sim: stage finished after 600 s");
}

TEST(SimAgentTest, WithoutCheckpointsTheSavedFractionStaysUntilTheEnd) {
  const auto tags = Tags("90.5", "0.5");
  auto mid = SimulateAgentForTags(tags, 0, 40);
  EXPECT_NEAR(mid->progress, 0.5 + 40 / 90.5, 1e-12);
  EXPECT_DOUBLE_EQ(mid->checkpoint, 0.5);
  auto done = SimulateAgentForTags(tags, 0, 45.25);
  EXPECT_DOUBLE_EQ(done->checkpoint, 1);
  EXPECT_EQ(done->log_tail, "sim: stage finished after 45.25 s");
}

TEST(SimAgentTest, MalformedTagsReadAsAbsentOrDefault) {
  for (const char* bad : {"", "abc", "12abc", "0", "-5", "nan", "inf", " 10"}) {
    EXPECT_FALSE(ParseSimWork(Tags(bad)).has_value()) << bad;
  }
  EXPECT_FALSE(ParseSimWork({}).has_value());
  for (const char* bad : {"-0.1", "1.5", "x", "nan"}) {
    auto work = ParseSimWork(Tags("100", bad));
    ASSERT_TRUE(work.has_value()) << bad;
    EXPECT_DOUBLE_EQ(work->resume_from, 0) << bad;
  }
  for (const char* bad : {"0", "-1", "y", "inf"}) {
    auto work = ParseSimWork(Tags("100", "", bad));
    ASSERT_TRUE(work.has_value()) << bad;
    EXPECT_FALSE(work->checkpoint_seconds.has_value()) << bad;
  }
  auto full = ParseSimWork(Tags("100", "1", "7.5"));
  EXPECT_DOUBLE_EQ(full->resume_from, 1);
  EXPECT_DOUBLE_EQ(*full->checkpoint_seconds, 7.5);
  // Resuming from 1 leaves nothing to do: finished as soon as it runs.
  EXPECT_EQ(SimulateAgent(*full, 10, 10)->exit_code, 0);
}

}  // namespace
}  // namespace sky::providers
