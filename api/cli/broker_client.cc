#include "api/cli/broker_client.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <utility>

#include "api/app.h"
#include "api/auth_wiring.h"
#include "sky/providers/http/curl_http_client.h"

namespace sky::api {
namespace {

constexpr char kDefaultServer[] = "http://127.0.0.1:8080";

// The code whose stable name is `name`; nullopt for an unknown name.
std::optional<StatusCode> CodeNamed(const std::string& name) {
  for (int c = static_cast<int>(StatusCode::kInvalidArgument);
       c <= static_cast<int>(StatusCode::kInternal); ++c) {
    const auto code = static_cast<StatusCode>(c);
    if (StatusCodeName(code) == name) return code;
  }
  return std::nullopt;
}

}  // namespace

void AddServerFlag(FlagSpec& spec) {
  spec.Group("server (run, status, cancel, events)")
      .Single("server", "URL", "the broker, a running `skybroker serve`",
              std::string("$SKYBROKER_SERVER, else ") + kDefaultServer)
      .Single("token", "TOKEN", "API token",
              "$SKYBROKER_TOKEN, else the admin-token file that a local serve writes beside "
              "its database");
}

ClientToken ResolveClientToken(const CliArgs& args) {
  ClientToken token;
  token.admin_token_path = AdminTokenPath(ResolveDbPath(args));
  if (auto flag = args.Get("token")) {
    token.token = *flag;
    token.source = "--token";
  } else if (const char* env = std::getenv("SKYBROKER_TOKEN"); env && *env) {
    token.token = env;
    token.source = "$SKYBROKER_TOKEN";
  } else if (std::ifstream file(token.admin_token_path); file) {
    std::getline(file, token.token);
    token.source = token.admin_token_path;
  }
  while (!token.token.empty() && std::isspace(static_cast<unsigned char>(token.token.back()))) {
    token.token.pop_back();
  }
  return token;
}

std::string ResolveServerUrl(const CliArgs& args) {
  std::string url = kDefaultServer;
  if (auto server = args.Get("server")) {
    url = *server;
  } else if (const char* env = std::getenv("SKYBROKER_SERVER"); env && *env) {
    url = env;
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status StatusFromReply(const BrokerReply& reply) {
  const std::string fallback = "HTTP " + std::to_string(reply.status);
  if (reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_object()) {
    const auto& error = reply.body["error"];
    const std::string message = error.value("message", fallback);
    if (auto code = CodeNamed(error.value("code", std::string()))) return Status(*code, message);
    return providers::StatusForHttpError(reply.status, message);
  }
  return providers::StatusForHttpError(reply.status, fallback);
}

BrokerClient::BrokerClient(std::string base_url, std::unique_ptr<providers::HttpClient> http,
                           ClientToken token)
    : base_url_(std::move(base_url)), http_(std::move(http)), token_(std::move(token)) {}

BrokerClient BrokerClient::ForServer(std::string base_url, ClientToken token) {
  providers::CurlHttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(5'000);
  options.total_timeout = std::chrono::milliseconds(30'000);
  return BrokerClient(std::move(base_url),
                      std::make_unique<providers::CurlHttpClient>(std::move(options)),
                      std::move(token));
}

Result<BrokerReply> BrokerClient::Send(const std::string& method, const std::string& path,
                                       const std::string& body) const {
  providers::HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.body = body;
  request.idempotent = method == "GET";
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (!token_.token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + token_.token);
  }
  auto response = http_->Send(request);
  if (!response.ok()) {
    if (response.status().IsInvalidArgument()) {
      return Status::InvalidArgument("bad --server URL '" + base_url_ +
                                     "': " + response.status().message());
    }
    return Status::Unavailable("cannot reach skybroker at " + base_url_ +
                               " (is `skybroker serve` running?)");
  }
  BrokerReply reply;
  reply.status = response->status;
  if (!response->body.empty()) {
    reply.body = nlohmann::json::parse(response->body, nullptr, false);
    if (reply.body.is_discarded()) reply.body = nullptr;
  }
  return reply;
}

Result<nlohmann::json> BrokerClient::Call(const std::string& method, const std::string& path,
                                          const std::string& body) const {
  SKY_ASSIGN_OR_RETURN(BrokerReply reply, Send(method, path, body));
  if (reply.status >= 300) return ErrorFrom(reply);
  return std::move(reply.body);
}

Status BrokerClient::ErrorFrom(const BrokerReply& reply) const {
  Status status = StatusFromReply(reply);
  if (reply.status != 401) return status;
  if (token_.token.empty()) {
    return Status::Unauthenticated(
        "the server needs a token: pass --token or set SKYBROKER_TOKEN (a local `skybroker "
        "serve` writes its first admin token to " +
        token_.admin_token_path + ")");
  }
  return Status::Unauthenticated("the server refused the token from " + token_.source + " (" +
                                 status.message() + "): pass another with --token or " +
                                 "SKYBROKER_TOKEN");
}

}  // namespace sky::api
