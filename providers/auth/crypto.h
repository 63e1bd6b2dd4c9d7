#pragma once
// Hashing and MACs for request signing, over OpenSSL's EVP interface. The only code in
// providers/ that includes OpenSSL headers. Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky::providers::auth {

// SHA-256 of `data`: 32 raw bytes. Internal when OpenSSL fails (it does not in practice).
Result<std::string> Sha256(std::string_view data);

// SHA-256 of `data` as 64 lowercase hex digits.
Result<std::string> Sha256Hex(std::string_view data);

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of raw bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace sky::providers::auth
