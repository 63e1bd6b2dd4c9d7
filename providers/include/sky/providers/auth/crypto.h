#pragma once
// Hashing, MACs, signatures and random bytes, over OpenSSL (providers/auth/ is the only code
// that includes OpenSSL headers; none appears here). Request signing uses them, and so does the
// API's token minter. Pure functions; thread-safe.

#include <cstddef>
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

// RS256 signature of `data` (RSASSA-PKCS1-v1_5 over SHA-256) with the RSA private key in
// `pem_private_key` (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY"): raw
// signature bytes. Errors: InvalidArgument when the PEM does not hold an RSA private key;
// Internal when OpenSSL fails to sign.
Result<std::string> SignRs256(std::string_view pem_private_key, std::string_view data);

// `count` bytes from OpenSSL's CSPRNG. Internal when the generator cannot be seeded.
Result<std::string> RandomBytes(size_t count);

// Whether `a` and `b` are equal, in time that depends on their length only (for secrets).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sky::providers::auth
