// Fuzz target: spot-trace JSON (replay inputs, sim provider traces), through ParseSpotTrace;
// a trace that parses is then read at times before, inside and past its end.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "sky/providers/spot_trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto trace = sky::providers::ParseSpotTrace(text);
  if (!trace.ok()) return 0;
  const double end = trace->duration_seconds();
  for (double t : {-1.0, 0.0, trace->gap_seconds * 0.5, end / 2, end, end * 2 + 1,
                   std::numeric_limits<double>::max()}) {
    (void)trace->AvailableAt(t);
    (void)trace->PriceAt(t);
  }
  return 0;
}
