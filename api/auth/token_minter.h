#pragma once
// Heartbeat (stage) tokens for the executor, and the constant-time comparison that every
// secret check in api/ should use (stage tokens now, API tokens later).

#include <string>
#include <string_view>

#include "sky/broker/executor.h"
#include "sky/types/result.h"

namespace sky::api {

// TokenFor(key) = "skst_" + hex(HMAC-SHA256(secret, key)): 64 hex digits, unguessable without
// the secret, the same for the same key and secret. The prefix makes a leaked token
// recognisable (secret scanners, logs). Hash() = SHA-256 of the token as 64 lowercase hex
// digits. Thread-safe: immutable after construction.
class OpenSslTokenMinter final : public broker::TokenMinter {
 public:
  // A random secret for this process only: tokens of attempts launched before a restart no
  // longer match after it. Use the other constructor with LoadOrCreateSecret() for a server.
  OpenSslTokenMinter();
  // REQUIRES: `secret` is unguessable (at least 32 random bytes' worth).
  explicit OpenSslTokenMinter(std::string secret);

  // The secret kept in `path` (created with 32 random bytes as hex, mode 0600, when missing),
  // so that tokens survive restarts. Unavailable when the file cannot be read or created;
  // FailedPrecondition when it holds fewer than 32 characters (after trimming whitespace).
  static Result<std::string> LoadOrCreateSecret(const std::string& path);

  // Never fails: should HMAC fail (OpenSSL out of memory), returns a random token, which the
  // broker then stores the hash of; only a replay after a restart would not match it.
  std::string TokenFor(std::string_view key) const override;
  // Should hashing ever fail, returns a random non-hex value, so that a comparison fails
  // closed instead of matching another failure.
  std::string Hash(std::string_view token) const override;

 private:
  const std::string secret_;
};

// 32 bytes from OpenSSL's generator (providers::auth::RandomBytes; std::random_device when
// that fails) as 64 hex digits. Thread-safe. Compare secrets with
// providers::auth::ConstantTimeEquals.
std::string RandomHex32();

}  // namespace sky::api
