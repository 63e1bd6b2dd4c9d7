#include "api/http/event_stream.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>
#include <utility>

#include "api/handlers/pipeline_json.h"
#include "api/http/status_http.h"
#include "sky/broker/executor.h"
#include "sky/broker/pipeline_state.h"

namespace sky::api {
namespace {

// A non-negative integer, or InvalidArgument naming `what`.
Result<int64_t> SequenceNumber(const std::string& what, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value < 0) {
    return Status::InvalidArgument(what + ": '" + text + "' is not a sequence number");
  }
  return static_cast<int64_t>(value);
}

std::string ErrorEvent(const Status& status) {
  return "event: error\ndata: " + ErrorBody(status).dump() + "\n\n";
}

}  // namespace

PipelineEventStream::PipelineEventStream(EventSource source, int64_t after_seq, const Clock& clock,
                                         std::function<void(double seconds)> sleep,
                                         EventStreamOptions options)
    : source_(std::move(source)),
      after_(after_seq),
      clock_(clock),
      sleep_(std::move(sleep)),
      options_(options),
      last_output_(clock.NowSeconds()) {}

bool PipelineEventStream::Next(std::string& chunk) {
  chunk.clear();
  // Terminal is read before the events: the transition and its event commit together, so a
  // pipeline seen terminal has all of its events in the read that follows.
  auto finished = source_.finished();
  if (!finished.ok()) {
    chunk = ErrorEvent(finished.status());
    return false;
  }
  auto events = source_.events(after_);
  if (!events.ok()) {
    chunk = ErrorEvent(events.status());
    return false;
  }
  for (const auto& event : *events) {
    chunk += FormatServerSentEvent(event);
    after_ = std::max(after_, event.seq);
  }
  const double now = clock_.NowSeconds();
  if (!chunk.empty()) {
    last_output_ = now;
    return true;  // look again at once: a read may stop at the store's page size
  }
  if (*finished) return false;
  if (now - last_output_ >= options_.keepalive_seconds) {
    chunk = ": keep-alive\n\n";
    last_output_ = now;
    return true;
  }
  sleep_(options_.poll_seconds);
  return true;
}

std::string FormatServerSentEvent(const broker::EventRecord& event) {
  // One data line: JSON dump() escapes newlines, so the payload cannot end the event early.
  return "id: " + std::to_string(event.seq) + "\nevent: " + event.kind +
         "\ndata: " + EventToJson(event).dump() + "\n\n";
}

bool WantsEventStream(const HttpRequest& request) {
  auto it = request.headers.find("accept");
  return it != request.headers.end() && it->second.find("text/event-stream") != std::string::npos;
}

Result<int64_t> ResumeAfter(const HttpRequest& request) {
  if (auto it = request.headers.find("last-event-id"); it != request.headers.end()) {
    return SequenceNumber("Last-Event-ID", it->second);
  }
  if (auto it = request.query.find("after"); it != request.query.end() && !it->second.empty()) {
    return SequenceNumber("after", it->second);
  }
  return int64_t{0};
}

HttpResponse EventStreamResponse(broker::Executor& executor, const std::string& pipeline_id,
                                 int64_t after_seq) {
  static const SystemClock kMonotonic;
  EventSource source;
  source.events = [&executor, pipeline_id](int64_t after) {
    return executor.Events(pipeline_id, after);
  };
  source.finished = [&executor, pipeline_id]() -> Result<bool> {
    SKY_ASSIGN_OR_RETURN(auto record, executor.store().GetPipeline(pipeline_id));
    return broker::IsTerminal(record.state);
  };
  auto sleep = [](double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  };
  // Shared because HttpResponse::stream is a std::function, which must be copyable; only the
  // server's one stream thread ever calls it.
  auto stream =
      std::make_shared<PipelineEventStream>(std::move(source), after_seq, kMonotonic, sleep);
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.headers["Cache-Control"] = "no-cache";
  r.headers["X-Accel-Buffering"] = "no";  // proxies must not hold events back
  r.body = "retry: 3000\n\n";             // how long a browser's EventSource waits to reconnect
  r.stream = [stream](std::string& chunk) { return stream->Next(chunk); };
  return r;
}

}  // namespace sky::api
