#pragma once
// A recorded spot trace (the `spot-traces` JSON of the Can't Be Late paper):
// {"metadata": {"gap_seconds": G}, "data": [n0, n1, ...], "prices": [...]?}
// data[i] is how many spot instances could be obtained (or kept) during tick i, i.e. from
// i*G to (i+1)*G seconds after the trace starts. Immutable; safe to share between threads.

#include <optional>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::providers {

struct SpotTrace {
  double gap_seconds = 0;
  std::vector<int> available;  // per tick
  std::vector<double> prices;  // per tick, $/h; empty when the trace has none

  // Instances available at `t` seconds after the start; past the end, the last tick holds.
  int AvailableAt(double t) const;
  // Spot price at `t`, when the trace has prices.
  std::optional<double> PriceAt(double t) const;
  double duration_seconds() const { return gap_seconds * static_cast<double>(available.size()); }
};

// Parses a trace. InvalidArgument naming the field for malformed JSON, a non-positive
// gap_seconds, an empty or non-integer `data`, negative counts or counts above INT_MAX, or
// `prices` of another length.
Result<SpotTrace> ParseSpotTrace(const std::string& json_text);
// Reads and parses a trace file; NotFound when it cannot be opened.
Result<SpotTrace> LoadSpotTrace(const std::string& path);

}  // namespace sky::providers
