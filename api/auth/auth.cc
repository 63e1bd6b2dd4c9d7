#include "api/auth/auth.h"

#include <strings.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>
#include <vector>

#include "api/auth/token_minter.h"
#include "sky/providers/auth/crypto.h"

namespace sky::api {
namespace {

constexpr char kTokenPrefix[] = "sky_";
constexpr char kRealm[] = "Bearer realm=\"skybroker\"";
constexpr char kInvalidToken[] = "Bearer realm=\"skybroker\", error=\"invalid_token\"";
constexpr size_t kMaxCacheEntries = 4096;

struct Rule {
  const char* method;   // "*": any
  const char* pattern;  // Router::Add syntax; a trailing "*" also matches nothing
  Access access;
};

// THE route policy table: the first rule matching the method and path applies. A new route
// that fits none of the specific rules gets "viewer" for reads and "admin" for writes, so a
// forgotten entry fails closed.
constexpr Rule kPolicy[] = {
    {"GET", "/healthz", Access::kPublic},
    {"GET", "/readyz", Access::kPublic},
    {"GET", "/openapi.json", Access::kPublic},
    {"GET", "/", Access::kPublic},
    {"GET", "/web/*", Access::kPublic},
    {"GET", "/examples/*", Access::kPublic},
    // Instances report with their per-stage token, which the handler checks.
    {"POST", "/v1/pipelines/{id}/stages/{stage}/heartbeat", Access::kExempt},
    // Checked by its handler with the stage token, like the heartbeat.
    {"GET", "/v1/pipelines/{id}/stages/{stage}/storage-credentials", Access::kExempt},
    {"GET", "/v1/offers", Access::kCatalog},
    {"GET", "/v1/offers/{id}/history", Access::kCatalog},
    {"GET", "/v1/accelerators", Access::kCatalog},
    {"GET", "/metrics", Access::kViewer},
    {"GET", "/v1/operations/*", Access::kViewer},
    {"POST", "/v1/plans/*", Access::kUser},
    {"POST", "/v1/pipelines/*", Access::kUser},
    {"DELETE", "/v1/pipelines/*", Access::kUser},
    {"POST", "/v1/replays/*", Access::kUser},
    {"POST", "/v1/catalog/*", Access::kAdmin},
    {"GET", "*", Access::kViewer},
    {"*", "*", Access::kAdmin},
};

bool IsApiPath(const std::string& path) { return path == "/v1" || path.rfind("/v1/", 0) == 0; }

Principal Anonymous() {
  Principal p;
  p.tenant.clear();
  p.role = Role::kViewer;
  return p;
}

Role Needed(Access access) {
  switch (access) {
    case Access::kUser:
      return Role::kUser;
    case Access::kAdmin:
      return Role::kAdmin;
    default:
      return Role::kViewer;
  }
}

HttpResponse Unauthorized(const Status& status, bool token_sent) {
  HttpResponse r = JsonReply(status);
  if (status.IsUnauthenticated()) {
    r.headers["WWW-Authenticate"] = token_sent ? kInvalidToken : kRealm;
  }
  return r;
}

HttpResponse Forbidden(const Principal& who, Role needed) {
  return JsonReply(
      Status::PermissionDenied("this route needs the " + std::string(RoleName(needed)) +
                               " role or higher; token " + who.token_id + " (tenant " + who.tenant +
                               ") has the " + std::string(RoleName(who.role)) + " role"));
}

// The token of a header value "Bearer <token>" (scheme case-insensitive, RFC 7235).
Result<std::string> BearerToken(const std::string& value) {
  constexpr size_t kScheme = 7;  // "Bearer "
  if (value.size() <= kScheme || strncasecmp(value.c_str(), "bearer ", kScheme) != 0) {
    return Status::Unauthenticated("malformed Authorization header: expected 'Bearer <token>'");
  }
  const size_t begin = value.find_first_not_of(' ', kScheme);
  const size_t end = value.find_last_not_of(' ');
  if (begin == std::string::npos || value.find(' ', begin) < end) {
    return Status::Unauthenticated("malformed Authorization header: expected 'Bearer <token>'");
  }
  return value.substr(begin, end - begin + 1);
}

// "5" for 5, "2.5" for 2.5: the rate as the operator wrote it.
std::string FormatRate(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate);
  return text;
}

}  // namespace

Access AccessFor(const std::string& method, const std::string& path) {
  // Runs on every request: the table's patterns are split once, the path once per call.
  static const auto* const kPatterns = [] {
    auto* patterns = new std::vector<std::vector<std::string>>();
    for (const Rule& rule : kPolicy) patterns->push_back(SplitPath(rule.pattern));
    return patterns;
  }();
  const std::vector<std::string> segments = SplitPath(path);
  for (size_t i = 0; i < std::size(kPolicy); ++i) {
    const Rule& rule = kPolicy[i];
    if ((std::string_view(rule.method) == "*" || method == rule.method) &&
        SegmentsMatch((*kPatterns)[i], segments)) {
      return rule.access;
    }
  }
  return Access::kAdmin;  // unreachable: the last rule matches everything
}

Result<Role> ParseRole(const std::string& name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "user") return Role::kUser;
  if (name == "admin") return Role::kAdmin;
  return Status::InvalidArgument("role '" + name + "': must be admin, user or viewer");
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kUser:
      return "user";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

MintedToken MintApiToken() {
  MintedToken minted;
  minted.token = kTokenPrefix + RandomHex32();
  minted.hash = HashApiToken(minted.token);
  return minted;
}

std::string HashApiToken(std::string_view token) {
  auto hash = providers::auth::Sha256Hex(token);
  if (hash.ok()) return std::move(hash).value();
  return "unhashable-" + RandomHex32();
}

AuthLayer::AuthLayer(AuthOptions options, TokenStore* store, const Clock& clock, AccessLog* log)
    : options_(options), store_(store), clock_(clock), log_(log) {
  if (options_.rate_limit > 0) {
    limiter_ = std::make_unique<KeyedRateLimiter>(
        clock_, TokenBucketOptions{options_.rate_limit, std::max(1.0, 2 * options_.rate_limit)});
  }
}

HttpResponse AuthLayer::Dispatch(const HttpRequest& request) const {
  const double start = clock_.NowSeconds();
  HttpRequest admitted = request;
  std::optional<HttpResponse> refused = Admit(admitted);
  HttpResponse response = refused ? std::move(*refused) : Router::Dispatch(admitted);
  if (log_ != nullptr) Log(admitted, response, start);
  return response;
}

std::optional<HttpResponse> AuthLayer::Admit(HttpRequest& request) const {
  // Unknown routes: authenticated under /v1/ (401 before 404 or 405), public elsewhere.
  Access access = IsApiPath(request.path) ? Access::kViewer : Access::kPublic;
  if (Allows(request)) access = AccessFor(request.method, request.path);
  request.principal = options_.enabled ? Anonymous() : Principal();
  // Heartbeats are neither authenticated nor limited here: each instance reports on its
  // schedule with its stage token, which the handler checks.
  if (access == Access::kExempt) return std::nullopt;
  if (!options_.enabled) return Limit(request, std::nullopt);
  const auto header = request.headers.find("authorization");
  const bool token_sent = header != request.headers.end();
  Result<Principal> who =
      token_sent ? Authenticate(header->second)
                 : Result<Principal>(Status::Unauthenticated(
                       "this route needs an API token: send 'Authorization: Bearer <token>'"));
  if (auto limited = Limit(request, who.ok() ? std::optional<Principal>(*who) : std::nullopt)) {
    return limited;
  }
  if (who.ok()) request.principal = *who;
  if (access == Access::kPublic || (access == Access::kCatalog && options_.public_catalog)) {
    return std::nullopt;
  }
  if (!who.ok()) return Unauthorized(who.status(), token_sent);
  if (who->role < Needed(access)) return Forbidden(*who, Needed(access));
  return std::nullopt;
}

Result<Principal> AuthLayer::Authenticate(const std::string& authorization) const {
  SKY_ASSIGN_OR_RETURN(const std::string token, BearerToken(authorization));
  const std::string hash = HashApiToken(token);
  const double now = clock_.NowSeconds();
  if (auto cached = Cached(hash, now)) return *cached;
  const Status unknown = Status::Unauthenticated("unknown or revoked token");
  if (store_ == nullptr) return unknown;
  SKY_ASSIGN_OR_RETURN(const std::optional<TokenRecord> record, store_->FindByHash(hash));
  if (!record || !providers::auth::ConstantTimeEquals(record->token_hash, hash)) return unknown;
  auto role = ParseRole(record->role);
  if (!role.ok()) return Status::Internal("token " + record->id + " has a bad stored role");
  Principal principal;
  principal.tenant = record->tenant;
  principal.role = *role;
  principal.token_id = record->id;
  // Bookkeeping only, once per cache period: a failed write must not refuse the request.
  (void)store_->Touch(record->id, now);
  Remember(record->token_hash, principal, now);
  return principal;
}

std::optional<Principal> AuthLayer::Cached(const std::string& hash, double now) const {
  MutexLock lock(cache_mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  if (now >= it->second.expires || now < it->second.expires - options_.cache_seconds) {
    cache_.erase(it);  // expired, or the clock stepped back: look again
    return std::nullopt;
  }
  if (!providers::auth::ConstantTimeEquals(it->second.hash, hash)) return std::nullopt;
  return it->second.principal;
}

void AuthLayer::Remember(const std::string& hash, const Principal& principal, double now) const {
  if (options_.cache_seconds <= 0) return;
  MutexLock lock(cache_mu_);
  if (cache_.size() >= kMaxCacheEntries) {
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = now >= it->second.expires ? cache_.erase(it) : std::next(it);
    }
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  }
  cache_[hash] = CacheEntry{hash, principal, now + options_.cache_seconds};
}

std::optional<HttpResponse> AuthLayer::Limit(const HttpRequest& request,
                                             const std::optional<Principal>& who) const {
  if (!limiter_) return std::nullopt;
  const std::string key = who ? "token:" + who->token_id : "address:" + request.remote_address;
  const double wait = limiter_->Acquire(key);
  if (wait <= 0) return std::nullopt;
  const long retry = std::max(1L, static_cast<long>(std::ceil(wait)));
  const std::string per = who ? "token" : "client address";
  HttpResponse r = JsonReply(Status::ResourceExhausted(
      "rate limit exceeded: at most " + FormatRate(options_.rate_limit) +
      " requests per second per " + per + "; retry in " + std::to_string(retry) + " s"));
  r.headers["Retry-After"] = std::to_string(retry);
  return r;
}

void AuthLayer::LogRefused(const HttpRequest& request, const HttpResponse& response,
                           double seconds) const {
  if (log_ == nullptr) return;
  HttpRequest anonymous = request;
  anonymous.principal = Anonymous();
  Log(anonymous, response, clock_.NowSeconds() - std::max(0.0, seconds));
}

void AuthLayer::Log(const HttpRequest& request, const HttpResponse& response, double start) const {
  AccessEntry entry;
  entry.time = start;
  entry.method = request.method;
  entry.route = PatternFor(request);
  entry.path = request.path;
  entry.status = response.status;
  entry.duration_ms = std::max(0.0, clock_.NowSeconds() - start) * 1000;
  entry.tenant = request.principal.tenant;
  entry.token_id = request.principal.token_id;
  entry.bytes = response.body.size();
  log_->Write(entry);
}

}  // namespace sky::api
