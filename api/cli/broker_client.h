#pragma once
// BrokerClient: how the pipeline commands (run, status, cancel, events) talk to a running
// `skybroker serve`, over its REST API through an HttpClient (libcurl in the CLI, a fake in
// tests). Thread-safe as far as the HttpClient is (CurlHttpClient: yes).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/cli/args.h"
#include "sky/providers/http_client.h"
#include "sky/types/result.h"

namespace sky::api {

// Adds --server and --token to `spec`.
void AddServerFlag(FlagSpec& spec);
// --server URL, else $SKYBROKER_SERVER, else http://127.0.0.1:8080; a trailing '/' dropped.
std::string ResolveServerUrl(const CliArgs& args);

// The API token the CLI sends, where it came from (for messages), and where a local server
// writes its bootstrap admin token.
struct ClientToken {
  std::string token;             // empty: send none
  std::string source;            // "--token", "$SKYBROKER_TOKEN" or the file read
  std::string admin_token_path;  // <directory of ResolveDbPath>/admin-token
};
// --token, else $SKYBROKER_TOKEN, else the first line of the admin-token file beside the
// database (ResolveDbPath's directory) when it exists, else none.
ClientToken ResolveClientToken(const CliArgs& args);

struct BrokerReply {
  int status = 0;
  nlohmann::json body;  // null when the body is empty or not JSON
};

// The Status an error reply carries: its body's {"error": {"code", "message"}} when there is
// one (the code by its stable name), else StatusForHttpError of the HTTP status.
// REQUIRES: reply.status >= 300.
Status StatusFromReply(const BrokerReply& reply);

class BrokerClient {
 public:
  // `base_url` like "http://127.0.0.1:8080" (no trailing '/'). Every request carries
  // `Authorization: Bearer <token.token>` when that is not empty.
  BrokerClient(std::string base_url, std::unique_ptr<providers::HttpClient> http,
               ClientToken token = {});
  // A client over libcurl (connect timeout 5 s, total 30 s).
  static BrokerClient ForServer(std::string base_url, ClientToken token = {});

  // Sends `method` `path` (with its query) and returns the reply whatever its status.
  // Unavailable "cannot reach skybroker at URL (is `skybroker serve` running?)" when no
  // response arrived.
  Result<BrokerReply> Send(const std::string& method, const std::string& path,
                           const std::string& body = "") const;
  // As Send, then the body of a 2xx reply, or ErrorFrom of any other.
  Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                              const std::string& body = "") const;
  // StatusFromReply, except that a 401 says how to pass a token (or which token was refused).
  // REQUIRES: reply.status >= 300.
  Status ErrorFrom(const BrokerReply& reply) const;

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::unique_ptr<providers::HttpClient> http_;
  ClientToken token_;
};

}  // namespace sky::api
