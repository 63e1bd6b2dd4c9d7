#include "sky/broker/pipeline_state.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace sky::broker {
namespace {

const std::vector<PipelineState> kAllPipeline = {
    PipelineState::kSubmitted, PipelineState::kPlanned, PipelineState::kRunning,
    PipelineState::kSucceeded, PipelineState::kFailed,  PipelineState::kCancelled};
const std::vector<StageState> kAllStage = {
    StageState::kPending, StageState::kProvisioning, StageState::kRunning,   StageState::kSucceeded,
    StageState::kFailed,  StageState::kPreempted,    StageState::kRecovering};

using P = PipelineState;
using S = StageState;

TEST(PipelineStateTest, NamesRoundTripAndAreDistinct) {
  std::set<std::string_view> names;
  for (P s : kAllPipeline) {
    names.insert(Name(s));
    auto parsed = ParsePipelineState(Name(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), s);
  }
  EXPECT_EQ(names.size(), kAllPipeline.size());
  for (S s : kAllStage) {
    auto parsed = ParseStageState(Name(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), s);
  }
  EXPECT_EQ(Name(S::kProvisioning), "provisioning");
  EXPECT_EQ(Name(P::kCancelled), "cancelled");
}

TEST(PipelineStateTest, ParseRejectsUnknownNames) {
  EXPECT_TRUE(ParsePipelineState("Running").status().IsInvalidArgument());
  EXPECT_TRUE(ParsePipelineState("preempted").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStageState("cancelled").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStageState("").status().IsInvalidArgument());
}

TEST(PipelineStateTest, TerminalStates) {
  std::set<P> terminal;
  for (P s : kAllPipeline) {
    if (IsTerminal(s)) terminal.insert(s);
  }
  EXPECT_EQ(terminal, (std::set<P>{P::kSucceeded, P::kFailed, P::kCancelled}));
  std::set<S> stage_terminal;
  for (S s : kAllStage) {
    if (IsTerminal(s)) stage_terminal.insert(s);
  }
  EXPECT_EQ(stage_terminal, (std::set<S>{S::kSucceeded, S::kFailed}));
}

TEST(PipelineStateTest, ExactlyTheDesignedPipelineArrowsAreLegal) {
  const std::set<std::pair<P, P>> legal = {
      {P::kSubmitted, P::kPlanned}, {P::kPlanned, P::kRunning},     {P::kRunning, P::kSucceeded},
      {P::kSubmitted, P::kFailed},  {P::kSubmitted, P::kCancelled}, {P::kPlanned, P::kFailed},
      {P::kPlanned, P::kCancelled}, {P::kRunning, P::kFailed},      {P::kRunning, P::kCancelled}};
  for (P from : kAllPipeline) {
    for (P to : kAllPipeline) {
      const Status s = CheckTransition(from, to);
      const bool want = legal.count({from, to}) > 0;
      EXPECT_EQ(s.ok(), want) << Name(from) << " -> " << Name(to);
      if (!want) {
        EXPECT_TRUE(s.IsFailedPrecondition()) << s.ToString();
      }
    }
  }
}

TEST(PipelineStateTest, ExactlyTheDesignedStageArrowsAreLegal) {
  const std::set<std::pair<S, S>> legal = {
      {S::kPending, S::kProvisioning},    {S::kProvisioning, S::kRunning},
      {S::kRunning, S::kSucceeded},       {S::kRunning, S::kPreempted},
      {S::kProvisioning, S::kPreempted},  {S::kPreempted, S::kRecovering},
      {S::kRecovering, S::kProvisioning}, {S::kPending, S::kFailed},
      {S::kProvisioning, S::kFailed},     {S::kRunning, S::kFailed},
      {S::kPreempted, S::kFailed},        {S::kRecovering, S::kFailed},
      {S::kRunning, S::kRecovering},      {S::kProvisioning, S::kRecovering}};
  for (S from : kAllStage) {
    for (S to : kAllStage) {
      const Status s = CheckTransition(from, to);
      const bool want = legal.count({from, to}) > 0;
      EXPECT_EQ(s.ok(), want) << Name(from) << " -> " << Name(to);
      if (!want) {
        EXPECT_TRUE(s.IsFailedPrecondition()) << s.ToString();
      }
    }
  }
}

TEST(PipelineStateTest, PreemptionLoopsBackToProvisioningRepeatedly) {
  S state = S::kPending;
  const std::vector<S> path = {S::kProvisioning, S::kRunning, S::kPreempted, S::kRecovering,
                               S::kProvisioning, S::kRunning, S::kPreempted, S::kRecovering,
                               S::kProvisioning, S::kRunning, S::kSucceeded};
  for (S next : path) {
    ASSERT_TRUE(CheckTransition(state, next).ok()) << Name(state) << " -> " << Name(next);
    state = next;
  }
  EXPECT_TRUE(IsTerminal(state));
}

TEST(PipelineStateTest, IllegalTransitionMessageNamesBothStates) {
  const Status s = CheckTransition(P::kSucceeded, P::kRunning);
  EXPECT_NE(s.message().find("succeeded -> running"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace sky::broker
