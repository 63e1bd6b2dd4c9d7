#pragma once
// HttpServer: serves a Router over HTTP or HTTPS with cpprestsdk (which stays in
// http_server.cc). Requests are handled concurrently on cpprestsdk's thread pool (bodies are
// read asynchronously, so that no pool thread waits for another); the Router and its handlers
// must be thread-safe. A streaming response (HttpResponse::stream) is pumped
// by a thread of its own, at most `max_streams` at once.

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "api/http/api_limits.h"
#include "api/http/router.h"
#include "sky/types/result.h"

namespace sky::api {

struct ServerOptions {
  // Address to listen on. Default: 127.0.0.1.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one. Default: 8080.
  int port = 8080;
  // Input limits checked before any handler runs: body size (413), query length (414) and
  // JSON depth (400); see api/api_limits.h. Default: ApiLimits's defaults.
  ApiLimits limits;
  // Request paths (exact, without the query) whose body may be up to
  // limits.max_upload_bytes instead of limits.max_body_bytes. Default: none.
  std::set<std::string> upload_paths;
  // Streaming responses (server-sent events) served at once; one more gets 503. Default: 64.
  int max_streams = 64;
  // Threads of cpprestsdk's pool, which reads requests and runs the handlers; a handler that
  // waits (a plan solving within --plan-wait-ms) holds one. The pool is process-wide: the
  // first server started in a process sizes it. 0: twice the cores, at least 4 (cpprestsdk's
  // own default of 40 makes tail latency several times worse on a small machine). Default: 0.
  int threads = 0;
  // HTTPS: PEM files of the certificate chain and of its private key (TLS 1.2 or later). Both
  // empty: plain HTTP. Default: empty.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Called once per request when its response status and headers are sent, with the seconds
  // since it arrived (metrics). Must be thread-safe. Default: none.
  std::function<void(const HttpRequest& request, int status, double seconds)> on_response;
  // Called, before the reply is sent, for a request the server answers itself without the router:
  // a body, query string or JSON nesting over its limit, or a request it cannot read (400).
  // Serve writes these to the access log, which the router's auth layer writes for the rest.
  // Must be thread-safe. Default: none.
  std::function<void(const HttpRequest& request, const HttpResponse& response, double seconds)>
      on_refused;
};

class HttpServer {
 public:
  // Starts listening. Unavailable when the address cannot be bound; InvalidArgument naming the
  // file when a TLS file cannot be read or is not a PEM certificate chain or key (or the key
  // does not match the certificate), or when only one of the two is given.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                   const Router& router);
  virtual ~HttpServer() = default;
  // The port actually bound.
  virtual int port() const = 0;
  // Ends the streams (each within one call of its producer), stops accepting and waits for
  // the listener to close.
  virtual void Stop() = 0;
};

}  // namespace sky::api
