#pragma once
// Percent-encoding (RFC 3986 section 2.1) for URLs, form bodies and request signing. One
// encoder for every caller: SigV4's canonical URI (slashes kept) and query (slashes encoded),
// EC2's form body, GCE filters and the CLI's path segments all use the unreserved set below with
// upper-case hex. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace sky {

// RFC 3986 unreserved characters: A-Z a-z 0-9 '-' '.' '_' '~'.
bool IsUnreservedChar(char c);

// Every byte but the unreserved characters (and '/' when `keep_slash`) as %XX with upper-case
// hex; a space is "%20", never '+'.
std::string PercentEncode(std::string_view text, bool keep_slash = false);

// Decodes %XX escapes (either case of hex). A '%' not followed by two hex digits stays as it
// is. With `plus_as_space` (application/x-www-form-urlencoded, query strings) '+' becomes a
// space; otherwise it stays '+'.
std::string PercentDecode(std::string_view text, bool plus_as_space = false);

}  // namespace sky
