#include "broker/executor/remaining_spec.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

using planner::PipelineSpec;
using Kind = StageProgress::Kind;

PipelineSpec Chain() {
  auto spec = planner::ParsePipelineSpec(R"({"name": "c", "deadline_hours": 10, "budget_usd": 50,
    "stages": [
      {"name": "a", "resources": {"cpus": 2}, "runtime_hours": 1, "output_gb": 4},
      {"name": "b", "after": ["a"], "resources": {"accelerators": {"A100": 1, "L4": 1}},
       "runtime_hours": {"A100": 4, "L4": 8}, "output_gb": 1},
      {"name": "c", "after": ["b"], "resources": {"cpus": 2}, "runtime_hours": 1}],
    "outputs": {"c": "gcp:us-central1"}})",
                                         {});
  EXPECT_OK(spec);
  return *spec;
}

TEST(RemainingSpecTest, AResumedStageReadsItsCheckpointFromWhereItIsStored) {
  PipelineSpec spec = Chain();
  spec.stages[1].checkpoint_gb = 20;
  auto work = BuildRemainingSpec(spec,
                                 {{"a", Kind::kDone, "gcp:us-east1", 0, 0},
                                  {"b", Kind::kReplan, "", 0.5, 0, "aws:us-west-2:usw2-az1"},
                                  {"c", Kind::kReplan, "", 0, 0}},
                                 3.0, 0);
  ASSERT_OK(work);
  const PipelineSpec& s = work->spec;
  EXPECT_EQ(s.stages[0].reads, (std::vector<std::string>{"b.checkpoint", "a.output"}));
  ASSERT_EQ(s.inputs.size(), 2u);
  EXPECT_EQ(s.inputs[0].name, "b.checkpoint");
  EXPECT_EQ(s.inputs[0].location, "aws:us-west-2");
  EXPECT_DOUBLE_EQ(s.inputs[0].size_gb, 20);
  // Without a size, or without a checkpoint, nothing is priced.
  spec.stages[1].checkpoint_gb.reset();
  auto unsized = BuildRemainingSpec(spec,
                                    {{"a", Kind::kDone, "gcp:us-east1", 0, 0},
                                     {"b", Kind::kReplan, "", 0.5, 0, "aws:us-west-2"},
                                     {"c", Kind::kReplan, "", 0, 0}},
                                    3.0, 0);
  ASSERT_OK(unsized);
  EXPECT_EQ(unsized->spec.inputs.size(), 1u);
}

TEST(RemainingSpecTest, DonePredecessorBecomesAnInputAndRuntimesShrinkByTheCheckpoint) {
  auto work = BuildRemainingSpec(Chain(),
                                 {{"a", Kind::kDone, "gcp:us-east1", 0, 0},
                                  {"b", Kind::kReplan, "", 0.25, 0},
                                  {"c", Kind::kReplan, "", 0, 0}},
                                 3.0, 12.5);
  ASSERT_OK(work);
  const PipelineSpec& s = work->spec;
  ASSERT_EQ(s.stages.size(), 2u);
  EXPECT_TRUE(s.stages[0].after.empty());
  EXPECT_EQ(s.stages[0].reads, std::vector<std::string>{"a.output"});
  EXPECT_DOUBLE_EQ(s.stages[0].runtime_by_accelerator.at("A100"), 3.0);
  EXPECT_DOUBLE_EQ(s.stages[0].runtime_by_accelerator.at("L4"), 6.0);
  ASSERT_EQ(s.inputs.size(), 1u);
  EXPECT_EQ(s.inputs[0].location, "gcp:us-east1");
  EXPECT_DOUBLE_EQ(s.inputs[0].size_gb, 4);
  EXPECT_DOUBLE_EQ(*s.deadline_hours, 7.0);
  EXPECT_DOUBLE_EQ(*s.budget_usd, 37.5);
  EXPECT_EQ(s.outputs.count("c"), 1u);
}

TEST(RemainingSpecTest, InFlightPredecessorDelaysTheDeadline) {
  auto work = BuildRemainingSpec(Chain(),
                                 {{"a", Kind::kDone, "gcp:us-east1", 0, 0},
                                  {"b", Kind::kInFlight, "gcp:us-central1", 0, 2.5},
                                  {"c", Kind::kReplan, "", 0, 0}},
                                 1.0, 0);
  ASSERT_OK(work);
  EXPECT_DOUBLE_EQ(*work->spec.deadline_hours, 6.5);
  EXPECT_EQ(work->spec.inputs[0].name, "b.output");
}

TEST(RemainingSpecTest, NoTimeLeftDropsTheDeadlineAndPlansForTime) {
  auto work = BuildRemainingSpec(Chain(),
                                 {{"a", Kind::kReplan, "", 0, 0},
                                  {"b", Kind::kReplan, "", 0, 0},
                                  {"c", Kind::kReplan, "", 0, 0}},
                                 11.0, 60);
  ASSERT_OK(work);
  EXPECT_TRUE(work->deadline_dropped);
  EXPECT_TRUE(work->budget_dropped);
  EXPECT_FALSE(work->spec.deadline_hours.has_value());
  EXPECT_EQ(work->spec.objective, planner::Objective::kTime);
}

TEST(RemainingSpecTest, ProgressMustNameEveryStageOnce) {
  EXPECT_TRUE(BuildRemainingSpec(Chain(), {{"a", Kind::kReplan, "", 0, 0}}, 0, 0)
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(BuildRemainingSpec(Chain(),
                                 {{"a", Kind::kDone, "gcp:x", 0, 0},
                                  {"b", Kind::kDone, "gcp:x", 0, 0},
                                  {"c", Kind::kDone, "gcp:x", 0, 0}},
                                 0, 0)
                  .status()
                  .IsInvalidArgument());
}

TEST(RemainingSpecTest, MergeReplacesMovedStagesAndShiftsTheirTimes) {
  planner::Plan base;
  base.stages.resize(2);
  base.stages[0].name = "a";
  base.stages[0].cost_usd = 1;
  base.stages[0].end_hours = 1;
  base.stages[1].name = "b";
  base.stages[1].cost_usd = 10;
  base.transfers.push_back({"a", "b", "gcp:x", "gcp:y", 1, 0.1, 1, 0.01, 0.1});
  planner::Plan update;
  update.stages.resize(1);
  update.stages[0].name = "b";
  update.stages[0].cost_usd = 20;
  update.stages[0].start_hours = 0;
  update.stages[0].end_hours = 4;
  const planner::Plan merged = MergePlan(base, update, 2.0);
  EXPECT_DOUBLE_EQ(merged.stages[1].cost_usd, 20);
  EXPECT_DOUBLE_EQ(merged.stages[1].start_hours, 2);
  EXPECT_DOUBLE_EQ(merged.makespan_hours, 6);
  EXPECT_TRUE(merged.transfers.empty()) << "the transfer into the moved stage is the update's";
  EXPECT_DOUBLE_EQ(merged.total_cost_usd, 21);
}

TEST(RemainingSpecTest, RuntimeMatchesTheAcceleratorCaseInsensitively) {
  const PipelineSpec spec = Chain();
  EXPECT_EQ(StageRuntimeHours(spec.stages[1], "a100"), 4.0);
  EXPECT_EQ(StageRuntimeHours(spec.stages[0], "anything"), 1.0);
  EXPECT_FALSE(StageRuntimeHours(spec.stages[1], "H100").has_value());
}

}  // namespace
}  // namespace sky::broker
