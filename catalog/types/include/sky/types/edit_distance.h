#pragma once
// Levenshtein distance, for "did you mean" suggestions (mistyped flags, accelerator names and
// spec keys). Pure function; thread-safe.

#include <cstddef>
#include <string_view>

namespace sky {

// The fewest single-character insertions, deletions and substitutions that turn `a` into `b`;
// with `ignore_ascii_case`, letters that differ only in ASCII case count as equal.
size_t EditDistance(std::string_view a, std::string_view b, bool ignore_ascii_case = false);

}  // namespace sky
