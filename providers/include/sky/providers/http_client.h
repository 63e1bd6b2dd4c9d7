#pragma once
// HttpClient: the narrow interface through which provider adapters reach a REST API (STYLE.md
// "narrow interface for the outside world"). The libcurl implementation and the retrying
// decorator live in providers/http/; tests substitute a local server or a fake.
//
// Transport failures are a Status: Unavailable (connection refused, reset, closed early),
// DeadlineExceeded (connect or total timeout), InvalidArgument (a URL that cannot be sent),
// FailedPrecondition (TLS verification failed), Internal (anything else). An HTTP error status
// is NOT a transport failure: it comes back as an HttpResponse, and the adapter maps it (see
// StatusForHttpError), except that the retrying layer retries 429 and 5xx itself.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::providers {

// Header fields in order; a name may repeat. Names compare ASCII case-insensitively.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

inline bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Returns the value of the first header called `name`, or nullptr when there is none.
inline const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (HeaderNameEquals(key, name)) return &value;
  }
  return nullptr;
}

// Removes every header called `name`, then appends `name: value`.
inline void SetHeader(HttpHeaders& headers, std::string_view name, std::string value) {
  HttpHeaders kept;
  kept.reserve(headers.size() + 1);
  for (auto& header : headers) {
    if (!HeaderNameEquals(header.first, name)) kept.push_back(std::move(header));
  }
  kept.emplace_back(std::string(name), std::move(value));
  headers = std::move(kept);
}

struct HttpRequest {
  // "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD". Default: "GET".
  std::string method = "GET";
  // Absolute http:// or https:// URL, query included.
  std::string url;
  HttpHeaders headers;
  std::string body;
  // True when sending the request twice has the effect of sending it once (reads, deletes by
  // id). Only idempotent requests, or requests carrying an idempotency key, are retried.
  // Default: false.
  bool idempotent = false;
  // The key the provider deduplicates on (EC2 ClientToken, an instance name, an
  // Idempotency-Key header). The adapter has already put it into the request; the retry layer
  // only reads whether it is there. Default: none.
  std::optional<std::string> idempotency_key;
};

struct HttpResponse {
  int status = 0;  // the HTTP status code, e.g. 200
  HttpHeaders headers;
  std::string body;
};

// Implementations must be safe for concurrent Send calls unless they say otherwise.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends `request` and returns the response, whatever its HTTP status. Returns a non-OK
  // Status only when no complete response arrived (see the file comment for the codes).
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// The default mapping of an HTTP error status to a Status code, for adapters that have no
// more specific error code in the body (capacity and quota errors are provider-specific and
// map to ResourceExhausted in the adapter):
//   400, 422 -> InvalidArgument     401 -> Unauthenticated     403 -> PermissionDenied
//   404 -> NotFound                 409 -> AlreadyExists
//   408, 429 (throttled), 5xx -> Unavailable (back off and retry; never fail over)
//   anything else >= 300 -> Internal.     REQUIRES: status >= 300.
inline Status StatusForHttpError(int status, std::string message) {
  switch (status) {
    case 400:
    case 422:
      return Status::InvalidArgument(std::move(message));
    case 401:
      return Status::Unauthenticated(std::move(message));
    case 403:
      return Status::PermissionDenied(std::move(message));
    case 404:
      return Status::NotFound(std::move(message));
    case 409:
      return Status::AlreadyExists(std::move(message));
    case 408:
      return Status::Unavailable(std::move(message));
    case 429:
      return Status::Unavailable(std::move(message)).WithReason("throttled");
    default:
      break;
  }
  if (status >= 500 && status <= 599) return Status::Unavailable(std::move(message));
  return Status::Internal(std::move(message));
}

}  // namespace sky::providers
