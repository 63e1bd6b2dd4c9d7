#pragma once
// GCP service-account authentication: the JSON key file named by
// GOOGLE_APPLICATION_CREDENTIALS, exchanged for an OAuth2 access token by POSTing a signed
// JWT (RFC 7523 jwt-bearer grant) to the key's token_uri. The private key is never logged and
// never appears in a Status message.

#include <optional>
#include <string>
#include <string_view>

#include "sky/providers/auth/aws_credentials.h"  // auth::EnvLookup, auth::ProcessEnv
#include "sky/providers/http_client.h"
#include "sky/types/clock.h"
#include "sky/types/mutex.h"
#include "sky/types/result.h"

namespace sky::providers::gcp {

struct ServiceAccountKey {
  std::string project_id;
  std::string private_key_id;  // sent as the JWT "kid"; may be empty
  std::string private_key;     // PEM
  std::string client_email;
  std::string token_uri;  // Default when the file has none: https://oauth2.googleapis.com/token
};

// Parses the text of a key file. InvalidArgument when it is not JSON, its "type" is not
// "service_account", or client_email / private_key is missing.
Result<ServiceAccountKey> ParseServiceAccountKey(std::string_view json_text);

// Reads and parses the key file at `path`. NotFound when it cannot be read, else as above.
Result<ServiceAccountKey> LoadServiceAccountKey(const std::string& path);

// The key file named by GOOGLE_APPLICATION_CREDENTIALS. Unauthenticated when it is unset,
// else as LoadServiceAccountKey.
Result<ServiceAccountKey> LoadDefaultServiceAccountKey(
    const auth::EnvLookup& env = auth::ProcessEnv);

// Hands out access tokens, fetching a new one when none is cached or the cached one expires
// within `refresh_margin_seconds`. Thread-safe; the lock is not held while the token endpoint
// is called (two threads may then both fetch; either token is valid).
class GcpAuth {
 public:
  // `http` and `clock` are not owned and must outlive this object; `clock` must be on Unix
  // time. `token_uri` overrides key.token_uri when not empty (tests point it at 127.0.0.1).
  GcpAuth(ServiceAccountKey key, const std::string& token_uri, HttpClient& http, const Clock& clock,
          double refresh_margin_seconds = 60);

  // A valid access token. Errors: Unauthenticated (the endpoint refused the assertion:
  // invalid_grant, 400/401), PermissionDenied (403), Unavailable (throttled 429 with reason
  // "throttled", 5xx, network), InvalidArgument (a bad private key), Internal (a token
  // response without access_token).
  Result<std::string> AccessToken() SKY_EXCLUDES(mu_);

  // "Bearer <token>" for an Authorization header; errors as AccessToken.
  Result<std::string> AuthorizationHeader();

  // Drops the cached token, so the next AccessToken fetches one (after a 401).
  void Invalidate() SKY_EXCLUDES(mu_);

  const std::string& token_uri() const { return token_uri_; }
  const ServiceAccountKey& key() const { return key_; }
  // Token endpoint calls made so far (for tests of the cache).
  int fetch_count() const SKY_EXCLUDES(mu_);

 private:
  struct Cached {
    std::string token;
    double expires_at = 0;
  };
  Result<Cached> Fetch() SKY_EXCLUDES(mu_);

  const ServiceAccountKey key_;
  const std::string token_uri_;
  HttpClient& http_;
  const Clock& clock_;
  const double refresh_margin_seconds_;
  mutable Mutex mu_;
  std::optional<Cached> cached_ SKY_GUARDED_BY(mu_);
  int fetch_count_ SKY_GUARDED_BY(mu_) = 0;
};

}  // namespace sky::providers::gcp
