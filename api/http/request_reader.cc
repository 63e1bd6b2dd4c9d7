#include "api/http/request_reader.h"

#include <exception>
#include <memory>
#include <utility>
#include <vector>

namespace sky::api {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

// One body being read: the source, what was kept, and the completion of the whole read.
struct BodyState {
  concurrency::streams::streambuf<uint8_t> source;
  size_t limit = 0;
  BodyRead read;
  std::vector<uint8_t> chunk = std::vector<uint8_t>(kReadChunk);
  pplx::task_completion_event<void> done;
};

// Reads the next chunk, then schedules the one after from its continuation: a loop without
// a growing chain of tasks (a 1 GB body is 16k chunks).
void ReadOn(const std::shared_ptr<BodyState>& state) {
  state->source.getn(state->chunk.data(), state->chunk.size())
      .then([state](const pplx::task<size_t>& got) {
        size_t n = 0;
        try {
          n = got.get();
        } catch (...) {
          state->done.set_exception(std::current_exception());
          return;
        }
        if (n == 0) {
          state->done.set();
          return;
        }
        BodyRead& read = state->read;
        if (!read.too_large && read.text.size() + n > state->limit) {
          read.too_large = true;
          std::string().swap(read.text);  // free what was kept
        }
        if (!read.too_large)
          read.text.append(reinterpret_cast<const char*>(state->chunk.data()), n);
        ReadOn(state);
      });
}

}  // namespace

pplx::task<BodyRead> ReadBoundedBody(const web::http::http_request& request, size_t limit) {
  auto state = std::make_shared<BodyState>();
  state->source = request.body().streambuf();
  state->limit = limit;
  state->read.too_large = request.headers().content_length() > limit;
  ReadOn(state);
  return pplx::create_task(state->done).then([state] { return std::move(state->read); });
}

HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body =
      nlohmann::json{
          {"error", {{"code", code}, {"message", message}, {"details", nlohmann::json::array()}}}}
          .dump();
  return r;
}

std::optional<HttpResponse> RefuseLongQuery(const web::http::http_request& request,
                                            const ApiLimits& limits) {
  const size_t length = request.request_uri().query().size();
  if (length <= limits.max_query_bytes) return std::nullopt;
  return ErrorResponse(414, "uri_too_long", QueryTooLongMessage(length, limits.max_query_bytes));
}

std::optional<HttpResponse> RefuseBody(const BodyRead& body, bool upload, const ApiLimits& limits) {
  if (body.too_large) {
    const size_t limit = upload ? limits.max_upload_bytes : limits.max_body_bytes;
    return ErrorResponse(413, "payload_too_large", BodyTooLargeMessage(limit, upload));
  }
  const LimitViolation deep = CheckJsonDepth(body.text, limits.max_json_depth);
  if (deep.ok) return std::nullopt;
  return ViolationReply(deep);
}

}  // namespace sky::api
