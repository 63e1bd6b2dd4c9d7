#pragma once
// Base64 (RFC 4648): the standard alphabet (section 4: EC2 user data and blobs) and the
// URL-safe one (section 5: JWTs, API cursors). Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky {

enum class Base64Alphabet {
  kStandard,  // A-Z a-z 0-9 + /
  kUrlSafe,   // A-Z a-z 0-9 - _
};

struct Base64Options {
  // Default: the standard alphabet.
  Base64Alphabet alphabet = Base64Alphabet::kStandard;
  // Encoding: pads the last group with '=' to four characters. Default: yes.
  bool pad = true;
  // Decoding: skips spaces, tabs and line breaks anywhere (MIME-style wrapped text).
  // Default: no, they are errors.
  bool skip_whitespace = false;
};

std::string Base64Encode(std::string_view bytes, const Base64Options& options = {});

// Decodes with or without '=' padding (at most two, and only at the end). InvalidArgument for a
// character outside the alphabet, data after padding, or a length no encoding has (4n + 1).
Result<std::string> Base64Decode(std::string_view text, const Base64Options& options = {});

// Shorthands for the URL-safe alphabet without padding (JWT, RFC 7515 section 2).
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace sky
