#pragma once
// Server-sent events of one pipeline: GET /v1/pipelines/{id}/events with
// `Accept: text/event-stream` streams each event as it is written,
//   id: <seq>\nevent: <kind>\ndata: <event JSON>\n\n
// resumes after `Last-Event-ID` (or `?after=`), sends a `: keep-alive` comment after 15 s of
// silence, and ends once the pipeline is terminal and its last events are out. The store is
// polled (every 200 ms while nothing is new): events come from several writers' transactions,
// and a poll of an indexed table is cheap next to a notification path through the executor.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/http/router.h"
#include "sky/broker/pipeline_records.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::broker {
class Executor;
}  // namespace sky::broker

namespace sky::api {

struct EventStreamOptions {
  // Seconds between two looks at the store while nothing is new. Default: 0.2.
  double poll_seconds = 0.2;
  // Seconds without output before a keep-alive comment. Default: 15.
  double keepalive_seconds = 15;
};

// Where a stream reads: the events after a sequence number (oldest first), and whether the
// pipeline has reached a terminal state.
struct EventSource {
  std::function<Result<std::vector<broker::EventRecord>>(int64_t after_seq)> events;
  std::function<Result<bool>()> finished;
};

// Produces the chunks of one stream (HttpResponse::stream). Not thread-safe: one caller.
class PipelineEventStream {
 public:
  // `clock` times the keep-alive; `sleep` waits that many seconds between empty polls (tests
  // pass fakes). `clock` must outlive the stream.
  PipelineEventStream(EventSource source, int64_t after_seq, const Clock& clock,
                      std::function<void(double seconds)> sleep, EventStreamOptions options = {});

  // Sets `chunk` to what to send next: new events, a keep-alive, or nothing (after a poll
  // interval's sleep). False when the stream is over: the pipeline was terminal before its
  // last events were read and nothing is left, or the store failed (the chunk then holds an
  // `error` event with the error body).
  bool Next(std::string& chunk);

 private:
  EventSource source_;
  int64_t after_;
  const Clock& clock_;
  std::function<void(double)> sleep_;
  EventStreamOptions options_;
  double last_output_;
};

// One event in the wire format above.
std::string FormatServerSentEvent(const broker::EventRecord& event);
// True when the Accept header lists text/event-stream.
bool WantsEventStream(const HttpRequest& request);
// Where to resume: the Last-Event-ID header, else the `after` parameter, else 0.
// InvalidArgument naming the header or parameter when it is not a non-negative integer.
Result<int64_t> ResumeAfter(const HttpRequest& request);
// The 200 text/event-stream response over `executor`'s store, on the monotonic system clock.
// `executor` must outlive the stream (the server ends streams before the executor stops).
HttpResponse EventStreamResponse(broker::Executor& executor, const std::string& pipeline_id,
                                 int64_t after_seq);

}  // namespace sky::api
