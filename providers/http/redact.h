#pragma once
// Redaction: keeps credentials and signatures out of log lines and Status messages. Every
// string the HTTP layer logs or puts into a message passes through one of these. Pure
// functions; safe to call from any thread.

#include <string>
#include <string_view>

#include "sky/providers/http_client.h"

namespace sky::providers {

// What a redacted value is replaced with.
inline constexpr std::string_view kRedacted = "REDACTED";

// True for headers whose value is a secret: Authorization, Proxy-Authorization,
// X-Amz-Security-Token, Cookie, api-key style headers, and any name mentioning a token,
// secret, password, signature or credential.
bool IsSensitiveHeader(std::string_view name);

// Returns `value`, or kRedacted when IsSensitiveHeader(name).
std::string RedactHeaderValue(std::string_view name, std::string_view value);

// Returns "Name: value" lines joined by "; ", sensitive values redacted.
std::string FormatHeadersRedacted(const HttpHeaders& headers);

// Returns `url` with user:password@ and the values of sensitive query parameters
// (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, Signature, api_key, token, ...)
// replaced by kRedacted.
std::string RedactUrl(std::string_view url);

// Scrubs free text (a log line, an error body): the rest of an "Authorization:" line,
// "Bearer <token>", "Credential=", "Signature=", "X-Amz-Security-Token", api keys, secret and
// session keys in `name=value`, `name: value` or JSON `"name": "value"` form, and AWS access
// key ids (AKIA..., ASIA...). A text longer than 2048 bytes is first cut at its last blank
// before that length, and ends with " [N bytes cut]".
std::string RedactText(std::string_view text);

}  // namespace sky::providers
