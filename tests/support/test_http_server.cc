#include "tests/support/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>

namespace sky::providers {
namespace {

constexpr int kPollMillis = 20;
constexpr auto kMaxConnectionTime = std::chrono::seconds(10);

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string StatusLine(int status) {
  const char* reason = status == 200   ? "OK"
                       : status == 429 ? "Too Many Requests"
                       : status == 500 ? "Internal Server Error"
                       : status == 503 ? "Service Unavailable"
                                       : "Status";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
}

std::string Head(int status, const HttpHeaders& headers, size_t content_length) {
  std::string head = StatusLine(status);
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\nConnection: close\r\n\r\n";
  return head;
}

// Parses "Method target HTTP/1.1" and header lines out of the request head.
void ParseHead(const std::string& head, RecordedRequest* request) {
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  std::istringstream first(line);
  first >> request->method >> request->target;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t value = line.find_first_not_of(' ', colon + 1);
    request->headers.emplace_back(line.substr(0, colon),
                                  value == std::string::npos ? "" : line.substr(value));
  }
}

}  // namespace

Result<std::unique_ptr<TestHttpServer>> TestHttpServer::Start(std::vector<ScriptedReply> script) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Internal("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return Status::Internal("cannot listen on 127.0.0.1");
  }
  if (script.empty()) script.push_back(ScriptedReply::Respond(200));
  return std::unique_ptr<TestHttpServer>(
      new TestHttpServer(fd, ntohs(address.sin_port), std::move(script)));
}

TestHttpServer::TestHttpServer(int listen_fd, int port, std::vector<ScriptedReply> script)
    : listen_fd_(listen_fd), port_(port), script_(std::move(script)) {
  thread_ = std::thread([this] { Run(); });
}

TestHttpServer::~TestHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string TestHttpServer::Url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  MutexLock lock(mu_);
  return requests_;
}

void TestHttpServer::Run() {
  while (!stop_) {
    pollfd listening{listen_fd_, POLLIN, 0};
    if (::poll(&listening, 1, kPollMillis) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const int index = connections_.fetch_add(1);
    const size_t entry = std::min<size_t>(static_cast<size_t>(index), script_.size() - 1);
    Serve(fd, script_[entry]);
    ::close(fd);
  }
}

bool TestHttpServer::ReadRequest(int fd, RecordedRequest* request) {
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + kMaxConnectionTime;
  size_t head_end = std::string::npos, needed = std::string::npos;
  while (!stop_ && std::chrono::steady_clock::now() < deadline) {
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      ParseHead(data.substr(0, head_end), request);
      const std::string* length = FindHeader(request->headers, "Content-Length");
      needed = head_end + 4 + (length ? std::strtoul(length->c_str(), nullptr, 10) : 0);
    }
    if (needed != std::string::npos && data.size() >= needed) {
      request->body = data.substr(head_end + 4, needed - head_end - 4);
      return true;
    }
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, kPollMillis) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
  }
  return false;
}

void TestHttpServer::WaitForHangup(int fd) {
  const auto deadline = std::chrono::steady_clock::now() + kMaxConnectionTime;
  while (!stop_ && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, kPollMillis) <= 0) continue;
    char buffer[256];
    if (::recv(fd, buffer, sizeof(buffer), 0) <= 0) return;  // the client hung up
  }
}

void TestHttpServer::Serve(int fd, const ScriptedReply& reply) {
  RecordedRequest request;
  if (!ReadRequest(fd, &request)) return;
  {
    MutexLock lock(mu_);
    requests_.push_back(request);
  }
  switch (reply.kind) {
    case ScriptedReply::Kind::kRespond:
      SendAll(fd, Head(reply.status, reply.headers, reply.body.size()) + reply.body);
      return;
    case ScriptedReply::Kind::kStallBody:
      SendAll(fd, Head(200, reply.headers, 1000) + "stall");
      WaitForHangup(fd);
      return;
    case ScriptedReply::Kind::kCloseMidBody:
      SendAll(fd, Head(200, reply.headers, 100) + "0123456789");
      return;
    case ScriptedReply::Kind::kCloseAtOnce:
      return;
  }
}

}  // namespace sky::providers
