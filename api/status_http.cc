#include "api/status_http.h"

namespace sky::api {

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kInfeasible: return 422;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

nlohmann::json ErrorBody(const Status& status, const nlohmann::json& details) {
  std::string message = status.code() == StatusCode::kInternal ? "internal error" : status.message();
  return {{"error",
           {{"code", std::string(StatusCodeName(status.code()))},
            {"message", message},
            {"details", details}}}};
}

}  // namespace sky::api
