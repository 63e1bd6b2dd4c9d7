#pragma once
// Service-account JWTs for Google's OAuth2 token endpoint (RFC 7519, RFC 7523): base64url,
// and RS256 (RSASSA-PKCS1-v1_5 over SHA-256) signatures (auth::SignRs256, over OpenSSL in
// providers/auth/) made with the PEM private key of a service-account key file.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "sky/types/base64.h"  // Base64UrlEncode, Base64UrlDecode
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::providers::gcp {

// The OAuth2 scope of the Compute Engine API.
inline constexpr std::string_view kComputeScope = "https://www.googleapis.com/auth/compute";
// Lifetime of a signed assertion: Google accepts at most one hour.
inline constexpr int64_t kJwtLifetimeSeconds = 3600;

struct JwtClaims {
  std::string issuer;      // iss: the service account's client_email
  std::string scope;       // scope: space-separated OAuth2 scopes
  std::string audience;    // aud: the token URI
  int64_t issued_at = 0;   // iat: Unix seconds
  int64_t expires_at = 0;  // exp: Unix seconds
};

// Claims for a Compute Engine access token: iss = client_email, scope = kComputeScope,
// aud = token_uri, iat = clock.NowSeconds() (REQUIRES: a clock on Unix time), exp = iat + 3600.
JwtClaims ComputeScopeClaims(std::string_view client_email, std::string_view token_uri,
                             const Clock& clock);

// "<header>.<claims>.<signature>", each base64url. The header is {"alg":"RS256","typ":"JWT"}
// plus "kid" when `key_id` is not empty. Errors: those of auth::SignRs256.
Result<std::string> MakeSignedJwt(const JwtClaims& claims, std::string_view key_id,
                                  std::string_view pem_private_key);

}  // namespace sky::providers::gcp
