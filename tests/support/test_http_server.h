#pragma once
// TestHttpServer: a real HTTP/1.1 server on 127.0.0.1 (POSIX sockets, one thread) for the
// HTTP client's fault tests. Each accepted connection reads one request and plays the next
// entry of a script: a full response, a body that stalls, a connection closed mid-body or
// closed without a byte. Test-only (part of sky_test_support): used by the providers' HTTP and
// adapter tests and broker/startup_script_test.cc. Thread-safe accessors.

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sky/providers/http_client.h"
#include "sky/types/mutex.h"

namespace sky::providers {

struct ScriptedReply {
  enum class Kind {
    kRespond,       // a complete response
    kStallBody,     // headers and 5 body bytes of a longer body, then silence until the client
                    // hangs up or the server stops
    kCloseMidBody,  // headers announcing 100 bytes, 10 bytes, then close
    kCloseAtOnce,   // read the request, close without answering
  };
  Kind kind = Kind::kRespond;
  int status = 200;
  HttpHeaders headers;
  std::string body;

  static ScriptedReply Respond(int status, std::string body = "", HttpHeaders headers = {}) {
    return {Kind::kRespond, status, std::move(headers), std::move(body)};
  }
  static ScriptedReply Of(Kind kind) { return {kind, 200, {}, ""}; }
};

struct RecordedRequest {
  std::string method;
  std::string target;  // "/path?query"
  HttpHeaders headers;
  std::string body;
};

class TestHttpServer {
 public:
  // Listens on 127.0.0.1 at an ephemeral port. Connection i plays script[i]; once the script
  // is used up its last entry repeats. Errors: Internal when the socket cannot be set up.
  static Result<std::unique_ptr<TestHttpServer>> Start(std::vector<ScriptedReply> script);

  ~TestHttpServer();  // stops the thread and closes the socket
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>".
  std::string Url(std::string_view path = "/") const;
  // Connections accepted so far (each is one attempt of the client).
  int connections() const { return connections_.load(); }
  std::vector<RecordedRequest> requests() const;

 private:
  TestHttpServer(int listen_fd, int port, std::vector<ScriptedReply> script);
  void Run();
  void Serve(int fd, const ScriptedReply& reply);
  bool ReadRequest(int fd, RecordedRequest* request);
  void WaitForHangup(int fd);

  const int listen_fd_;
  const int port_;
  const std::vector<ScriptedReply> script_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable Mutex mu_;
  std::vector<RecordedRequest> requests_ SKY_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace sky::providers
