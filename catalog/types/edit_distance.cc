#include "sky/types/edit_distance.h"

#include <algorithm>
#include <vector>

#include "sky/types/ascii.h"

namespace sky {

size_t EditDistance(std::string_view a, std::string_view b, bool ignore_ascii_case) {
  // One row of the dynamic-programming table at a time: row[j] is the distance between the
  // first i characters of `a` and the first j of `b`.
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = ignore_ascii_case ? AsciiToLower(a[i - 1]) == AsciiToLower(b[j - 1])
                                          : a[i - 1] == b[j - 1];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace sky
