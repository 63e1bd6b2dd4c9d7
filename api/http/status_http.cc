#include "api/http/status_http.h"

namespace sky::api {

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kInfeasible:
      return 422;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

namespace {

// `text` with every invalid UTF-8 sequence replaced by U+FFFD. Messages quote client input
// (an unknown query parameter's name, a path segment), and dump() throws on invalid UTF-8,
// which turned such a 400 into a 500 (found by fuzzing).
std::string ValidUtf8(const std::string& text) {
  const std::string quoted =
      nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const nlohmann::json valid = nlohmann::json::parse(quoted, nullptr, false);
  return valid.is_string() ? valid.get<std::string>() : std::string();
}

}  // namespace

nlohmann::json ErrorBody(const Status& status, const nlohmann::json& details) {
  std::string message =
      status.code() == StatusCode::kInternal ? "internal error" : ValidUtf8(status.message());
  return {{"error",
           {{"code", std::string(StatusCodeName(status.code()))},
            {"message", message},
            {"details", details}}}};
}

}  // namespace sky::api
