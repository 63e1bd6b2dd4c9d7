#pragma once
// BearerJsonClient: the request plumbing of the JSON REST adapters (Lambda, RunPod). Each
// call carries `Authorization: Bearer <key>` and an Accept header, a body is sent as
// application/json, and GET and DELETE requests are marked idempotent so that the retry layer
// may repeat them; POST, PUT and PATCH are sent once (a repeated launch would start a second
// instance). A response with status >= 300 becomes the adapter's Status through its error
// mapper. Thread-safe when the wrapped HttpClient is (no mutable state).

#include <memory>
#include <string>
#include <string_view>

#include "sky/providers/http_client.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::providers::rest {

// Maps an error response (REQUIRES: http_status >= 300) to a non-OK Status.
using ErrorMapper = Status (*)(int http_status, std::string_view body);

class BearerJsonClient {
 public:
  // `accept` is the Accept header's value. REQUIRES: http != nullptr, map_error != nullptr.
  BearerJsonClient(std::unique_ptr<HttpClient> http, std::string api_key, std::string accept,
                   ErrorMapper map_error);

  // Sends `method` to the absolute `url` with `body` (none when empty). Returns the 2xx (or
  // 1xx) response; a transport failure's Status; or map_error(status, body) for >= 300.
  Result<HttpResponse> Call(const std::string& method, const std::string& url,
                            std::string body) const;

 private:
  const std::unique_ptr<HttpClient> http_;
  const std::string api_key_;
  const std::string accept_;
  const ErrorMapper map_error_;
};

}  // namespace sky::providers::rest
