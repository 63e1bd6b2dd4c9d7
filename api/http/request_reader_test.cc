// The input limits the HTTP server checks before any handler (api/request_reader.h): an
// HttpServer on an ephemeral 127.0.0.1 port with small limits, driven with raw sockets. (It
// includes no cpprestsdk header: cpprest's U() macro breaks gtest's templates.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "api/http/http_server.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SKY_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SKY_UNDER_SANITIZER 1
#endif
#endif

namespace sky::api {
namespace {

using nlohmann::json;

// A keep-alive connection to 127.0.0.1:`port` whose reads give up after 10 s.
class Connection {
 public:
  explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Connection() { ::close(fd_); }

  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (connected_ && sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return connected_;
  }

  // One response: its status line and headers, then Content-Length bytes of body. Empty when
  // the connection ends or times out first.
  std::string Receive() {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return "";
    }
    const size_t at = pending_.find("Content-Length: ");
    const size_t length = at < end ? std::stoul(pending_.substr(at + 16)) : 0;
    while (pending_.size() < end + 4 + length) {
      if (!Fill()) return "";
    }
    std::string response = pending_.substr(0, end + 4 + length);
    pending_.erase(0, end + 4 + length);
    return response;
  }

 private:
  bool Fill() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

std::string Request(const std::string& method, const std::string& target, const std::string& body) {
  return method + " " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// The JSON body of a response; null when it has none.
json BodyOf(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return nullptr;
  json body = json::parse(response.substr(end + 4), nullptr, false);
  return body.is_discarded() ? json(nullptr) : body;
}

// The peak resident memory of this process (VmHWM), in KiB; 0 when unknown.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

class RequestLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/ping", [](const HttpRequest&, const auto&) {
      return JsonReply(json{{"ok", true}});
    });
    for (const char* path : {"/echo", "/upload"}) {
      router_.Add("POST", path, [](const HttpRequest& req, const auto&) {
        return JsonReply(json{{"bytes", req.body.size()}});
      });
    }
    ServerOptions options;
    options.port = 0;
    options.limits.max_body_bytes = 1024;
    options.limits.max_upload_bytes = 4096;
    options.limits.max_query_bytes = 64;
    options.limits.max_json_depth = 4;
    options.upload_paths = {"/upload"};
    auto server = HttpServer::Start(options, router_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // One request on a new connection; its response.
  std::string Exchange(const std::string& request) {
    Connection c(server_->port());
    return c.Send(request) ? c.Receive() : "";
  }

  static void ExpectError(const std::string& response, int status, const std::string& code,
                          const std::string& message) {
    EXPECT_EQ(response.rfind("HTTP/1.1 " + std::to_string(status), 0), 0u) << response;
    const json body = BodyOf(response);
    ASSERT_TRUE(body.is_object()) << response;
    EXPECT_EQ(body["error"]["code"], code) << response;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(message), std::string::npos)
        << response;
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(RequestLimitsTest, QueryOverTheLimitIs414NamingIt) {
  const std::string at_limit = "/ping?x=" + std::string(62, 'a');  // 64 bytes of query
  EXPECT_EQ(Exchange(Request("GET", at_limit, "")).rfind("HTTP/1.1 200", 0), 0u);
  ExpectError(Exchange(Request("GET", at_limit + "a", "")), 414, "uri_too_long",
              "query string of 65 bytes exceeds the limit of 64 bytes (--max-query-bytes)");
  // With a body too: refused all the same, the body read and dropped.
  ExpectError(Exchange(Request("POST", "/echo?x=" + std::string(100, 'a'), "{}")), 414,
              "uri_too_long", "(--max-query-bytes)");
}

TEST_F(RequestLimitsTest, BodyOverTheLimitIs413NamingTheFlag) {
  EXPECT_NE(Exchange(Request("POST", "/echo", std::string(1024, 'x'))).find(R"({"bytes":1024})"),
            std::string::npos);
  ExpectError(Exchange(Request("POST", "/echo", std::string(1025, 'x'))), 413, "payload_too_large",
              "request body exceeds the limit of 1024 bytes (--max-body-bytes)");
}

TEST_F(RequestLimitsTest, UploadPathsHaveTheirOwnLimit) {
  EXPECT_NE(Exchange(Request("POST", "/upload", std::string(4096, 'x'))).find(R"({"bytes":4096})"),
            std::string::npos);
  ExpectError(Exchange(Request("POST", "/upload", std::string(4097, 'x'))), 413,
              "payload_too_large", "the limit of 4096 bytes (--max-upload-bytes)");
}

TEST_F(RequestLimitsTest, DeepJsonIs400WithThePath) {
  EXPECT_EQ(Exchange(Request("POST", "/echo", R"({"a": [[[1]]]})")).rfind("HTTP/1.1 200", 0), 0u);
  const std::string response = Exchange(Request("POST", "/echo", R"({"a": [0, [[[1]]]]})"));
  ExpectError(response, 400, "invalid_argument",
              "JSON nesting deeper than the limit of 4 levels (--max-json-depth) at a[1][0][0]");
  EXPECT_EQ(BodyOf(response)["error"]["details"][0]["path"], "a[1][0][0]") << response;
}

// Regression: a body over the limit used to be buffered whole by cpprestsdk (nobody read
// it), so a client could fill the server's memory with one request. It is now read and
// dropped in 64 KiB chunks, and the connection stays usable.
TEST_F(RequestLimitsTest, HugeBodiesAreDrainedInBoundedMemory) {
  constexpr size_t kChunk = 1 << 20;
  constexpr int kChunks = 96;  // 96 MiB, each way
  const std::string chunk(kChunk, 'x');
  [[maybe_unused]] const long peak_before = PeakRssKib();
  Connection c(server_->port());
  // Chunked: no length announced.
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", kChunk);
  for (int i = 0; i < kChunks; ++i) ASSERT_TRUE(c.Send(size_line + chunk + "\r\n"));
  ASSERT_TRUE(c.Send("0\r\n\r\n"));
  ExpectError(c.Receive(), 413, "payload_too_large", "(--max-body-bytes)");
  // A length over the limit, announced and sent.
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                     std::to_string(kChunk * kChunks) + "\r\n\r\n"));
  for (int i = 0; i < kChunks; ++i) ASSERT_TRUE(c.Send(chunk));
  ExpectError(c.Receive(), 413, "payload_too_large", "(--max-body-bytes)");
  // The same connection goes on.
  ASSERT_TRUE(c.Send(Request("GET", "/ping", "")));
  EXPECT_EQ(c.Receive().rfind("HTTP/1.1 200", 0), 0u);
#ifndef SKY_UNDER_SANITIZER  // ASan's quarantine keeps freed chunks resident
  const long grown_mib = (PeakRssKib() - peak_before) / 1024;
  EXPECT_LT(grown_mib, 32) << "peak RSS grew by " << grown_mib << " MiB for two 96 MiB bodies";
#endif
}

}  // namespace
}  // namespace sky::api
