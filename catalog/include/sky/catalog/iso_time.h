#pragma once
// The catalog's time stamps: every time it stores (offers' observed_at, price points) is UTC
// "YYYY-MM-DDTHH:MM:SSZ". The catalog's readers, the broker and the API normalise the times
// they are given with this one function. Pure function; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace sky::catalog {

// Normalises an ISO 8601 time with a 'Z' or +hh:mm offset (fractions dropped) to UTC
// "YYYY-MM-DDTHH:MM:SSZ"; nullopt when it is not such a time. Lenient as catalog files are:
// surrounding blanks, a space instead of the 'T', and "+hhmm" are accepted; lower-case 't'
// and 'z' are not.
std::optional<std::string> NormalizeIsoTime(std::string_view text);

}  // namespace sky::catalog
