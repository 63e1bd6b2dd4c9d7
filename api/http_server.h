#pragma once
// HttpServer: serves a Router over HTTP with cpprestsdk (the only cpprestsdk user besides
// nothing: it stays in http_server.cc). Requests are handled concurrently on cpprestsdk's
// thread pool; the Router and its handlers must be thread-safe.

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "api/router.h"
#include "sky/types/result.h"

namespace sky::api {

struct ServerOptions {
  // Address to listen on. Default: 127.0.0.1.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one. Default: 8080.
  int port = 8080;
  // Largest accepted request body; larger ones get 413. Default: 4 MiB.
  size_t max_body_bytes = 4u << 20;
  // Request paths (exact, without the query) with their own body limit instead, e.g. uploads.
  // Default: none.
  std::map<std::string, size_t> path_body_limits;
};

class HttpServer {
 public:
  // Starts listening. Unavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                   const Router& router);
  virtual ~HttpServer() = default;
  // The port actually bound.
  virtual int port() const = 0;
  // Stops accepting and waits for the listener to close.
  virtual void Stop() = 0;
};

}  // namespace sky::api
