#pragma once
// The HTTP server's side of the input limits (api/api_limits.h): reading a request body
// within its size limit, and the refusals of a request over a limit (414, 413, 400). Internal
// to http_server.cc (cpprestsdk types stay in api/). Thread-safe: no shared state.

#include <cpprest/http_msg.h>

#include <optional>
#include <string>

#include "api/http/api_limits.h"
#include "api/http/router.h"

namespace sky::api {

// A body as read: its bytes, or `too_large` (then `text` is empty).
struct BodyRead {
  std::string text;
  bool too_large = false;
};

// Reads the whole body of `request` asynchronously (no thread waits), keeping at most `limit`
// bytes: past that it reads on and discards, so that memory stays bounded whatever the
// client sends (cpprestsdk buffers every byte that arrives until someone reads it) and the
// connection stays in step for the next request. A body whose Content-Length is over the
// limit is discarded from the start. The task fails when the client goes away mid-body.
pplx::task<BodyRead> ReadBoundedBody(const web::http::http_request& request, size_t limit);

// An error the router never saw: `status` with {"error": {code, message, details: []}}.
HttpResponse ErrorResponse(int status, const std::string& code, const std::string& message);

// 414 uri_too_long when the raw query of `request` is longer than limits.max_query_bytes.
std::optional<HttpResponse> RefuseLongQuery(const web::http::http_request& request,
                                            const ApiLimits& limits);
// 413 payload_too_large for a body over its limit (`upload`: the upload limit), 400 naming
// the path for a JSON body nested deeper than limits.max_json_depth.
std::optional<HttpResponse> RefuseBody(const BodyRead& body, bool upload, const ApiLimits& limits);

}  // namespace sky::api
