#pragma once
// CurlHttpClient: the HttpClient over libcurl, and the only code that includes <curl/curl.h>.
// One easy handle per request (so no handle is shared between threads), connect and total
// timeouts always set, TLS peer and host verification always on, CURLOPT_NOSIGNAL, redirects
// not followed (a signed request must not be replayed elsewhere), http and https only.
// Thread-safe: Send may be called concurrently.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "sky/providers/http_client.h"

namespace sky::providers {

struct CurlHttpClientOptions {
  // Time allowed to connect (TCP and TLS). Default: 10 s.
  std::chrono::milliseconds connect_timeout{10'000};
  // Time allowed for the whole exchange, body included. Default: 60 s.
  std::chrono::milliseconds total_timeout{60'000};
  // Largest response body accepted; a larger one fails with Internal. Default: 64 MiB.
  size_t max_response_bytes = size_t{64} << 20;
  // PEM bundle of trusted CAs; empty uses the system store. Default: "".
  std::string ca_file;
  // Sent as User-Agent unless the request sets one. Default: "skybroker/0.1".
  std::string user_agent = "skybroker/0.1";
  // Receives one line per request and per failure, already redacted. Default: none.
  std::function<void(std::string_view)> log;
};

class CurlHttpClient final : public HttpClient {
 public:
  // Calls curl_global_init once per process if main has not (it is reference-counted).
  explicit CurlHttpClient(CurlHttpClientOptions options = {});

  // See HttpClient::Send. Codes: Unavailable (refused, reset, closed before the response was
  // complete, DNS failure), DeadlineExceeded (connect or total timeout), InvalidArgument (bad
  // URL or scheme), FailedPrecondition (TLS certificate rejected), Internal (body too large,
  // anything else).
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  const CurlHttpClientOptions options_;
};

}  // namespace sky::providers
