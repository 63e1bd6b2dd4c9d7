#pragma once
// Name suggestions for unknown accelerator names and mistyped keys. Stateless; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace sky::planner::internal {

// Up to `max` names from `known` nearest to `name` (case-insensitive edit distance), nearest
// first; only names within a distance that makes them plausible typos. Duplicates that differ
// only by case are listed once.
std::vector<std::string> NearestNames(std::string_view name, const std::vector<std::string>& known,
                                      size_t max = 3);

// `did you mean "A100", "A10"?`, or "" when `names` is empty.
std::string DidYouMean(const std::vector<std::string>& names);

}  // namespace sky::planner::internal
