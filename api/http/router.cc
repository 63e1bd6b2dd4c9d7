#include "api/http/router.h"

#include <exception>

#include "api/http/status_http.h"

namespace sky::api {
namespace {

bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::vector<std::string>& params) {
  params.clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == "*") {
      std::string rest;
      for (size_t j = i; j < path.size(); ++j) rest += (j > i ? "/" : "") + path[j];
      params.push_back(rest);
      return true;
    }
    if (i >= path.size()) return false;
    if (pattern[i].size() > 1 && pattern[i].front() == '{') {
      params.push_back(path[i]);
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return pattern.size() == path.size();
}

HttpResponse ErrorReply(const Status& status) {
  HttpResponse r;
  r.status = HttpStatusFor(status);
  r.body = ErrorBody(status).dump();
  return r;
}

}  // namespace

// Splits the raw (still percent-encoded) path first, then decodes each segment, so that an
// offer id with '/' in it travels as one %2F-encoded segment. Every request is split several
// times (auth, routing, metrics): no stream, and no decoding copy without a '%'.
std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  for (size_t begin = 0; begin < path.size();) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (end > begin) {
      std::string part = path.substr(begin, end - begin);
      parts.push_back(part.find('%') == std::string::npos ? std::move(part) : PercentDecode(part));
    }
    begin = end + 1;
  }
  return parts;
}

bool SegmentsMatch(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  std::vector<std::string> params;
  return MatchSegments(pattern, path, params);
}

HttpResponse JsonReply(const Result<nlohmann::json>& result, int ok_status) {
  if (!result.ok()) return ErrorReply(result.status());
  HttpResponse r;
  r.status = ok_status;
  r.body = result->dump();
  return r;
}

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, pattern, SplitPath(pattern), std::move(handler)});
}

bool PatternMatches(const std::string& pattern, const std::string& path) {
  std::vector<std::string> params;
  return MatchSegments(SplitPath(pattern), SplitPath(path), params);
}

bool Router::Allows(const HttpRequest& request) const {
  const std::vector<std::string> path = SplitPath(request.path);
  std::vector<std::string> params;
  for (const auto& route : routes_) {
    if (route.method == request.method && MatchSegments(route.segments, path, params)) return true;
  }
  return false;
}

std::string Router::PatternFor(const HttpRequest& request) const {
  const std::vector<std::string> path = SplitPath(request.path);
  std::vector<std::string> params;
  std::string other_method;
  for (const auto& route : routes_) {
    if (!MatchSegments(route.segments, path, params)) continue;
    if (route.method == request.method) return route.pattern;
    if (other_method.empty()) other_method = route.pattern;
  }
  return other_method;
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  const std::vector<std::string> path = SplitPath(request.path);
  std::vector<std::string> params;
  std::string allowed;
  for (const auto& route : routes_) {
    if (!MatchSegments(route.segments, path, params)) continue;
    if (route.method != request.method) {
      allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    try {
      return route.handler(request, params);
    } catch (const std::exception& e) {
      return ErrorReply(Status::Internal(e.what()));
    } catch (...) {
      return ErrorReply(Status::Internal("unknown exception"));
    }
  }
  if (allowed.empty()) return ErrorReply(Status::NotFound("no route for " + request.path));
  HttpResponse r;
  r.status = 405;
  r.headers["Allow"] = allowed;
  r.body = nlohmann::json{{"error",
                           {{"code", "method_not_allowed"},
                            {"message", request.method + " is not allowed on " + request.path},
                            {"details", nlohmann::json::array()}}}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // raw path
  return r;
}

}  // namespace sky::api
