#pragma once
// AuthLayer: authentication, authorisation, rate limiting and the access log in front of the
// REST handlers (issue #6). It is a Router (the handlers are added to it as usual) whose
// Dispatch first decides who is asking and whether they may:
//   - the route policy table (AccessFor, the one place that says which role a route needs);
//   - `Authorization: Bearer <token>`: the token's SHA-256 is looked up in the TokenStore and
//     compared in constant time; its tenant and role become the request's Principal;
//   - 401 (with `WWW-Authenticate: Bearer`) for a missing or malformed header or an unknown or
//     revoked token; 403 when the role is too low; 429 (with `Retry-After`) over the rate limit;
//   - one access log line per request, with the tenant and the matched route, never a token.
// Unknown routes: under /v1/ a request is authenticated first (401 before 404/405), so that
// route existence is not told to anonymous clients; elsewhere (/favicon.ico) the 404 is public.
// Thread-safe: Dispatch may run concurrently (the cache and the limiter have their own locks).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/auth/keyed_rate_limiter.h"
#include "api/auth/token_store.h"
#include "api/http/access_log.h"
#include "api/http/router.h"
#include "sky/types/clock.h"
#include "sky/types/mutex.h"

namespace sky::api {

// What a route needs, from the policy table.
enum class Access {
  kPublic,   // anyone; a valid token, when sent, still names the tenant in the log
  kExempt,   // the layer steps aside: the handler authenticates (stage heartbeats)
  kCatalog,  // catalog reads: public with --public-catalog, else viewer
  kViewer,
  kUser,
  kAdmin,
};

// The access rule of `method` on raw `path`. The route policy table lives here and only here.
Access AccessFor(const std::string& method, const std::string& path);

// "admin", "user", "viewer"; InvalidArgument for other names.
Result<Role> ParseRole(const std::string& name);
std::string_view RoleName(Role role);

// A new API token: "sky_" + 64 random hex digits, and the SHA-256 hex the store keeps.
struct MintedToken {
  std::string token;
  std::string hash;
};
MintedToken MintApiToken();
// SHA-256 of `token` as 64 lowercase hex digits; a non-hex random value should hashing fail
// (so that it matches nothing).
std::string HashApiToken(std::string_view token);

struct AuthOptions {
  // Check tokens. Off: every request acts as the "default" tenant's admin. Default: on.
  bool enabled = true;
  // Catalog reads without a token. Default: off (they need a viewer token).
  bool public_catalog = false;
  // Requests per second per token (per client address when unauthenticated), in bursts of up
  // to twice that; 0 means no limit. Default: 0.
  double rate_limit = 0;
  // How long a successful token lookup is reused: a revoked token keeps working for up to
  // this long. Default: 5 s.
  double cache_seconds = 5;
};

class AuthLayer final : public Router {
 public:
  // `store` may be null only when auth is off; `log` null writes no access log. `clock` gives
  // the time of cache entries, buckets, durations and log lines. All must outlive the layer.
  AuthLayer(AuthOptions options, TokenStore* store, const Clock& clock, AccessLog* log);

  // Admits the request (see the file comment) and dispatches it to the routes.
  HttpResponse Dispatch(const HttpRequest& request) const override;

  // The principal of `authorization` (a header value). Unauthenticated for a missing or
  // malformed value or an unknown or revoked token; the store's errors otherwise.
  Result<Principal> Authenticate(const std::string& authorization) const;

  // Writes the access-log line of a request the HTTP server refused before this layer saw it
  // (ServerOptions::on_refused), `seconds` after it arrived: anonymous, as it was never
  // authenticated. Nothing without a log.
  void LogRefused(const HttpRequest& request, const HttpResponse& response, double seconds) const;

 private:
  struct CacheEntry {
    std::string hash;
    Principal principal;
    double expires = 0;
  };
  // nullopt when `request` may go on, its principal set; otherwise the refusal.
  std::optional<HttpResponse> Admit(HttpRequest& request) const;
  std::optional<Principal> Cached(const std::string& hash, double now) const
      SKY_EXCLUDES(cache_mu_);
  void Remember(const std::string& hash, const Principal& principal, double now) const
      SKY_EXCLUDES(cache_mu_);
  std::optional<HttpResponse> Limit(const HttpRequest& request,
                                    const std::optional<Principal>& who) const;
  void Log(const HttpRequest& request, const HttpResponse& response, double start) const;

  const AuthOptions options_;
  TokenStore* const store_;
  const Clock& clock_;
  AccessLog* const log_;
  std::unique_ptr<KeyedRateLimiter> limiter_;  // null without a rate limit
  mutable Mutex cache_mu_;
  mutable std::unordered_map<std::string, CacheEntry> cache_ SKY_GUARDED_BY(cache_mu_);
};

}  // namespace sky::api
