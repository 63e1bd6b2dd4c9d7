#include "providers/gcp/jwt.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "sky/providers/auth/crypto.h"

namespace sky::providers::gcp {

JwtClaims ComputeScopeClaims(std::string_view client_email, std::string_view token_uri,
                             const Clock& clock) {
  JwtClaims claims;
  claims.issuer = std::string(client_email);
  claims.scope = std::string(kComputeScope);
  claims.audience = std::string(token_uri);
  claims.issued_at = static_cast<int64_t>(std::floor(clock.NowSeconds()));
  claims.expires_at = claims.issued_at + kJwtLifetimeSeconds;
  return claims;
}

Result<std::string> MakeSignedJwt(const JwtClaims& claims, std::string_view key_id,
                                  std::string_view pem_private_key) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key_id.empty()) header["kid"] = std::string(key_id);
  const nlohmann::json body = {{"iss", claims.issuer},
                               {"scope", claims.scope},
                               {"aud", claims.audience},
                               {"iat", claims.issued_at},
                               {"exp", claims.expires_at}};
  const std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(body.dump());
  SKY_ASSIGN_OR_RETURN(std::string signature, auth::SignRs256(pem_private_key, signing_input));
  return signing_input + "." + Base64UrlEncode(signature);
}

}  // namespace sky::providers::gcp
