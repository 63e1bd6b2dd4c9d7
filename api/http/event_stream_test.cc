#include "api/http/event_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sky::api {
namespace {

broker::EventRecord Event(int64_t seq, const std::string& kind, const std::string& message) {
  broker::EventRecord e;
  e.seq = seq;
  e.pipeline_id = "p-1";
  e.kind = kind;
  e.message = message;
  e.at = 1700000000 + seq;
  return e;
}

// A pipeline whose events and terminal flag the test changes between calls; sleeping moves
// a manual clock, so keep-alives come without waiting.
class EventStreamTest : public ::testing::Test {
 protected:
  PipelineEventStream Make(int64_t after) {
    EventSource source;
    source.events = [this](int64_t after_seq) -> Result<std::vector<broker::EventRecord>> {
      ++reads_;
      if (!fail_.ok()) return fail_;
      std::vector<broker::EventRecord> out;
      for (const auto& e : events_) {
        if (e.seq > after_seq) out.push_back(e);
      }
      return out;
    };
    source.finished = [this]() -> Result<bool> { return finished_; };
    return PipelineEventStream(source, after, clock_, [this](double s) {
      slept_ += s;
      clock_.Advance(s);
    });
  }

  ManualClock clock_{100};
  std::vector<broker::EventRecord> events_;
  bool finished_ = false;
  Status fail_;
  int reads_ = 0;
  double slept_ = 0;
};

TEST_F(EventStreamTest, StreamsNewEventsThenEndsAfterTheTerminalOnes) {
  events_ = {Event(1, "state", "planned"), Event(2, "state", "running")};
  PipelineEventStream stream = Make(0);
  std::string chunk;
  ASSERT_TRUE(stream.Next(chunk));
  EXPECT_EQ(chunk.rfind("id: 1\nevent: state\ndata: {", 0), 0u) << chunk;
  EXPECT_NE(chunk.find("\n\nid: 2\nevent: state\ndata: "), std::string::npos);
  EXPECT_NE(chunk.find("\"message\":\"running\""), std::string::npos);
  ASSERT_TRUE(stream.Next(chunk));  // nothing new: sleeps one poll interval
  EXPECT_EQ(chunk, "");
  EXPECT_DOUBLE_EQ(slept_, 0.2);
  events_.push_back(Event(5, "state", "succeeded"));
  finished_ = true;
  ASSERT_TRUE(stream.Next(chunk));  // the last event still goes out
  EXPECT_EQ(chunk.rfind("id: 5\nevent: state\n", 0), 0u);
  EXPECT_FALSE(stream.Next(chunk));
  EXPECT_EQ(chunk, "");
}

TEST_F(EventStreamTest, ResumesAfterTheGivenSequence) {
  events_ = {Event(1, "state", "planned"), Event(2, "launch", "x"), Event(3, "state", "done")};
  finished_ = true;
  PipelineEventStream stream = Make(2);
  std::string chunk;
  ASSERT_TRUE(stream.Next(chunk));
  EXPECT_EQ(chunk.find("id: 1\n"), std::string::npos);
  EXPECT_EQ(chunk.find("id: 2\n"), std::string::npos);
  EXPECT_EQ(chunk.rfind("id: 3\n", 0), 0u);
  EXPECT_FALSE(stream.Next(chunk));
  PipelineEventStream caught_up = Make(3);  // nothing after 3 and terminal: ends at once
  EXPECT_FALSE(caught_up.Next(chunk));
  EXPECT_EQ(chunk, "");
}

TEST_F(EventStreamTest, SendsAKeepAliveAfterFifteenSilentSeconds) {
  PipelineEventStream stream = Make(0);
  std::string chunk;
  int polls = 0;
  while (stream.Next(chunk) && chunk.empty()) ++polls;
  EXPECT_EQ(chunk, ": keep-alive\n\n");
  EXPECT_NEAR(polls, 75, 1);  // 15 s / 0.2 s, give or take rounding of the sum
  EXPECT_NEAR(slept_, 15, 0.25);
}

TEST_F(EventStreamTest, AStoreErrorEndsTheStreamWithAnErrorEvent) {
  fail_ = Status::Unavailable("database is locked");
  PipelineEventStream stream = Make(0);
  std::string chunk;
  EXPECT_FALSE(stream.Next(chunk));
  EXPECT_EQ(chunk.rfind("event: error\ndata: {\"error\":", 0), 0u) << chunk;
  EXPECT_NE(chunk.find("database is locked"), std::string::npos);
}

TEST(EventStreamRequestTest, AcceptHeaderAndResumePoint) {
  HttpRequest req;
  EXPECT_FALSE(WantsEventStream(req));
  req.headers["accept"] = "text/event-stream, */*";
  EXPECT_TRUE(WantsEventStream(req));
  EXPECT_EQ(*ResumeAfter(req), 0);
  req.query["after"] = "4";
  EXPECT_EQ(*ResumeAfter(req), 4);
  req.headers["last-event-id"] = "9";  // a reconnecting EventSource wins over the URL
  EXPECT_EQ(*ResumeAfter(req), 9);
  req.headers["last-event-id"] = "nine";
  auto bad = ResumeAfter(req);
  ASSERT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("Last-Event-ID"), std::string::npos);
  req.headers.erase("last-event-id");
  req.query["after"] = "-1";
  EXPECT_NE(ResumeAfter(req).status().message().find("after"), std::string::npos);
}

}  // namespace
}  // namespace sky::api
