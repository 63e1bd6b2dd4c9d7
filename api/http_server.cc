#include "api/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cpprest/http_listener.h>
#include <iostream>
#include <mutex>

namespace sky::api {
namespace {

namespace http = web::http;
using web::http::experimental::listener::http_listener;

// Asks the kernel for a free loopback port (cpprestsdk cannot report the port it bound).
Result<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port <= 0) return Status::Unavailable("no free port");
  return port;
}

HttpRequest Convert(const http::http_request& req, std::string body) {
  HttpRequest out;
  out.method = req.method();
  out.path = req.request_uri().path();
  for (const auto& [k, v] : web::uri::split_query(req.request_uri().query())) {
    out.query[PercentDecode(k, true)] = PercentDecode(v, true);
  }
  for (const auto& [k, v] : req.headers()) {
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = v;
  }
  out.body = std::move(body);
  return out;
}

http::http_response ToCpprest(const HttpResponse& r) {
  http::http_response resp(static_cast<http::status_code>(r.status));
  resp.set_body(std::vector<unsigned char>(r.body.begin(), r.body.end()));
  resp.headers().set_content_type(r.content_type);
  for (const auto& [k, v] : r.headers) resp.headers().add(k, v);
  return resp;
}

HttpResponse TooLarge(size_t limit) {
  HttpResponse r;
  r.status = 413;
  r.body = nlohmann::json{{"error",
                           {{"code", "payload_too_large"},
                            {"message", "request body exceeds " + std::to_string(limit) + " bytes"},
                            {"details", nlohmann::json::array()}}}}
               .dump();
  return r;
}

class CpprestServer final : public HttpServer {
 public:
  CpprestServer(const ServerOptions& options, const Router& router, int port)
      : options_(options),
        router_(router),
        port_(port),
        listener_("http://" + options.host + ":" + std::to_string(port)) {}

  Status Open() {
    listener_.support([this](http::http_request req) { Handle(std::move(req)); });
    try {
      listener_.open().wait();
    } catch (const std::exception& e) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(port_) +
                                 ": " + e.what());
    }
    return Status::Ok();
  }

  int port() const override { return port_; }
  void Stop() override {
    try {
      listener_.close().wait();
    } catch (const std::exception&) {
      // Already closed.
    }
  }

 private:
  void Handle(http::http_request req) {
    const auto start = std::chrono::steady_clock::now();
    HttpResponse response;
    try {
      response = Process(req);
    } catch (const std::exception& e) {
      response.status = 400;
      response.body = nlohmann::json{{"error", {{"code", "bad_request"}, {"message", e.what()},
                                                {"details", nlohmann::json::array()}}}}
                          .dump();
    }
    try {
      req.reply(ToCpprest(response)).wait();
    } catch (const std::exception&) {
      // The client went away; nothing to answer.
    }
    Log(req, response.status, std::chrono::steady_clock::now() - start);
  }

  HttpResponse Process(http::http_request& req) {
    const auto route_limit = options_.path_body_limits.find(req.request_uri().path());
    const size_t limit = route_limit == options_.path_body_limits.end() ? options_.max_body_bytes
                                                                         : route_limit->second;
    if (req.headers().content_length() > limit) return TooLarge(limit);
    std::string body = req.extract_utf8string(true).get();
    if (body.size() > limit) return TooLarge(limit);
    return router_.Dispatch(Convert(req, std::move(body)));
  }

  void Log(const http::http_request& req, int status, std::chrono::steady_clock::duration d) {
    nlohmann::json line = {
        {"method", req.method()},
        {"path", req.request_uri().path()},
        {"status", status},
        {"duration_ms", std::chrono::duration<double, std::milli>(d).count()}};
    std::lock_guard<std::mutex> lock(log_mu_);
    std::clog << line.dump() << "\n";
  }

  ServerOptions options_;
  const Router& router_;
  int port_;
  http_listener listener_;
  std::mutex log_mu_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      const Router& router) {
  int port = options.port;
  if (port == 0) {
    SKY_ASSIGN_OR_RETURN(port, FreePort());
  }
  auto server = std::make_unique<CpprestServer>(options, router, port);
  SKY_RETURN_IF_ERROR(server->Open());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace sky::api
