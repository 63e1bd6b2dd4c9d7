#pragma once
// Routing of REST requests to handlers, independent of the HTTP library (cpprestsdk stays in
// http_server.cc). Build the table once, then Dispatch from many threads: read-only.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sky/types/percent_encoding.h"  // PercentDecode, for paths and queries
#include "sky/types/result.h"

namespace sky::api {

// Who sent a request, as the auth layer established it before any handler runs.
enum class Role { kViewer, kUser, kAdmin };
struct Principal {
  std::string tenant = "default";
  Role role = Role::kAdmin;  // with auth off, every request acts as the default tenant's admin
  std::string token_id;      // empty when unauthenticated (auth off, or a public route)
};

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // raw (percent-encoded), without the query string
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  Principal principal;         // set by the auth layer; handlers scope tenant data by it
  std::string remote_address;  // the client's IP address; empty when unknown
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  // A streamed body (server-sent events): when set, `body` goes first, then the server calls
  // `stream` on a thread of its own until it returns false, sending each non-empty `chunk` at
  // once. A call should return within about a second (an empty chunk is fine), so that the
  // server notices a client that went away and can shut down. Default: none.
  std::function<bool(std::string& chunk)> stream;
};

// `params` holds the `{name}` segments of the route pattern, in order.
using Handler =
    std::function<HttpResponse(const HttpRequest& request, const std::vector<std::string>& params)>;

// A JSON response from a Result: 200 with the value, or the error body and status.
HttpResponse JsonReply(const Result<nlohmann::json>& result, int ok_status = 200);

// True when the raw (percent-encoded) `path` matches `pattern`, in Router::Add's syntax (a
// trailing `*` also matches nothing: "/v1/pipelines/*" matches "/v1/pipelines").
bool PatternMatches(const std::string& pattern, const std::string& path);
// The same in two steps, for matching one path against many patterns: SplitPath gives the
// percent-decoded segments of a raw path or pattern (empty segments dropped), and
// SegmentsMatch compares a pattern's segments with a path's.
std::vector<std::string> SplitPath(const std::string& path);
bool SegmentsMatch(const std::vector<std::string>& pattern, const std::vector<std::string>& path);

// Dispatch is virtual so that a layer in front of the handlers (api/auth.h's AuthLayer) is
// served wherever a Router is.
class Router {
 public:
  virtual ~Router() = default;

  // `pattern` is a path whose segments may be `{name}` (one segment) or end in `*` (the rest).
  void Add(const std::string& method, const std::string& pattern, Handler handler);

  // 404 for an unknown path, 405 (with Allow) for a known path with another method. Any
  // exception from a handler becomes a 500 with a JSON error body, never a crash.
  virtual HttpResponse Dispatch(const HttpRequest& request) const;

  // True when a route of the request's method matches its path (Dispatch reaches a handler,
  // not a 404 or 405).
  bool Allows(const HttpRequest& request) const;

  // The pattern of the route whose path matches `request` ("/v1/pipelines/{id}"), preferring
  // one of the request's method; empty when no path matches. For metrics and logs, which must
  // not carry raw paths with ids in them.
  std::string PatternFor(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace sky::api
