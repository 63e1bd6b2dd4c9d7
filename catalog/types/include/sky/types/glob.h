#pragma once
// Shell-style glob matching ('*' any run, '?' one character), case-insensitive ASCII.
// Used for region filters in catalog queries and pipeline constraints. Thread-safe.

#include <string_view>

namespace sky {

bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace sky
