#include "api/cli/replay_plot.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

broker::ReplayReport TwoRuns() {
  broker::ReplayReport report;
  report.pipeline = "a<b&c";
  report.deadline_hours = 6;
  report.work_hours = 4;
  report.offsets_hours = {0};
  broker::ReplayTrace trace;
  trace.location = "aws:us-east-1:us-east-1a";
  trace.trace.gap_seconds = 3600;
  trace.trace.available = {1, 0, 1, 1, 1, 1};
  report.traces = {trace};
  broker::ReplayRun od;
  od.policy = broker::ReplayPolicy::kOnDemand;
  od.finish_hours = 4.25;
  od.cost_usd = 12.75;
  od.timeline = {{0, 4.25, "aws:us-east-1", Market::kOnDemand, "succeeded", 12.75}};
  broker::ReplayRun greedy = od;
  greedy.policy = broker::ReplayPolicy::kGreedySpot;
  greedy.cost_usd = 5;
  greedy.timeline = {{0, 1, "aws:us-east-1:us-east-1a", Market::kSpot, "preempted", 1},
                     {1.25, 5.5, "aws:us-east-1", Market::kOnDemand, "succeeded", 4}};
  report.runs = {od, greedy};
  report.summary.resize(2);
  report.summary[0].policy = od.policy;
  report.summary[1].policy = greedy.policy;
  return report;
}

TEST(ReplayPlotTest, DrawsOneDotPerRunAndTheFirstOffsetsTimeline) {
  const std::string svg = ReplayPlotSvg(TwoRuns());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<circle"), 2u);
  EXPECT_EQ(Count(svg, "fill=\"#31a354\""), 1u) << "one spot segment";
  EXPECT_EQ(Count(svg, "fill=\"#de2d26\""), 2u) << "two on-demand segments";
  EXPECT_EQ(Count(svg, "fill=\"#9ecae1\""), 5u) << "five available ticks";
  EXPECT_NE(svg.find("greedy_spot"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b&amp;c"), std::string::npos) << "text is escaped";
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
}

}  // namespace
}  // namespace sky::api
