// HttpServer on an ephemeral 127.0.0.1 port, driven with raw sockets.
#include "api/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace sky::api {
namespace {

// A connection to 127.0.0.1:`port` whose reads give up after 5 s; -1 on failure.
int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` on a new connection and returns everything read until the server closes it
// (empty after 5 s without an answer).
std::string Exchange(int port, const std::string& request) {
  const int fd = Connect(port);
  if (fd < 0) return "";
  std::string reply;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, n);
  }
  ::close(fd);
  return reply;
}

std::string Post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sends `count` GET requests one after another on one keep-alive connection (as wrk does);
// returns how many were answered 200.
int KeepAliveGets(int port, const std::string& path, int count) {
  const int fd = Connect(port);
  if (fd < 0) return 0;
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::string pending;
  char buf[4096];
  // Reads until `pending` holds `size` bytes; false when the connection ends first.
  const auto fill = [&](size_t size) {
    while (pending.size() < size) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      pending.append(buf, n);
    }
    return true;
  };
  int ok = 0;
  for (int i = 0; i < count; ++i) {
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) break;
    size_t end;  // one response: headers, then Content-Length bytes of body
    while ((end = pending.find("\r\n\r\n")) == std::string::npos && fill(pending.size() + 1)) {
    }
    if (end == std::string::npos) break;
    const size_t at = pending.find("Content-Length: ");
    const size_t length = at < end ? std::stoul(pending.substr(at + 16)) : 0;
    if (!fill(end + 4 + length)) break;
    if (pending.rfind("HTTP/1.1 200", 0) == 0) ++ok;
    pending.erase(0, end + 4 + length);
  }
  ::close(fd);
  return ok;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/ping", [](const HttpRequest&, const auto&) {
      return JsonReply(nlohmann::json{{"ok", true}});
    });
    router_.Add("POST", "/echo", [](const HttpRequest& req, const auto&) {
      return JsonReply(nlohmann::json{{"bytes", req.body.size()}});
    });
    ServerOptions options;
    options.port = 0;
    options.limits.max_body_bytes = 64;
    auto server = HttpServer::Start(options, router_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswersARequestWithABody) {
  const std::string reply = Exchange(server_->port(), Post("/echo", "hello"));
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find(R"({"bytes":5})"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413) {
  const std::string reply = Exchange(server_->port(), Post("/echo", std::string(100, 'x')));
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("payload_too_large"), std::string::npos) << reply;
}

// Regression: handlers used to block a pool thread on reading the body, whose completion
// needs a pool thread too; with more requests at once than pool threads (cpprestsdk's 40)
// every thread waited and the server stopped answering for good (wrk -c64 froze it).
TEST_F(HttpServerTest, ManyConcurrentRequestsAllGetAnswers) {
  constexpr int kClients = 64;
  constexpr int kRequestsEach = 50;
  std::atomic<int> ready{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      ++ready;
      while (ready.load() < kClients) std::this_thread::yield();  // all at once
      answered += KeepAliveGets(server_->port(), "/ping", kRequestsEach);
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered.load(), kClients * kRequestsEach);
  // And the server still answers afterwards.
  EXPECT_EQ(Exchange(server_->port(), Post("/echo", "again")).rfind("HTTP/1.1 200", 0), 0u);
}

}  // namespace
}  // namespace sky::api
