// Fuzz target: the pipeline spec JSON (POST /v1/pipelines, `skybroker plan SPEC`), through
// ParsePipelineSpec with a small accelerator vocabulary (so unknown names take the
// suggestion path). A spec that parses must round-trip through PipelineSpecToJson, as
// sky/planner/spec.h promises; a spec that does not is reported and aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sky/planner/spec.h"

namespace {

const std::vector<std::string>& Accelerators() {
  static const auto* names =
      new std::vector<std::string>{"H100", "A100", "A100-80GB", "L4", "A10G", "T4", "V100"};
  return *names;
}

void CheckRoundTrip(const sky::planner::PipelineSpec& spec) {
  const std::string json = sky::planner::PipelineSpecToJson(spec);
  auto again = sky::planner::ParsePipelineSpec(json, Accelerators());
  if (!again.ok()) {
    std::fprintf(stderr, "round trip failed: %s\n%s\n", again.status().ToString().c_str(),
                 json.c_str());
    std::abort();
  }
  if (sky::planner::PipelineSpecToJson(*again) != json) {
    std::fprintf(stderr, "round trip changed the spec:\n%s\n", json.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<sky::planner::SpecIssue> issues;
  auto spec = sky::planner::ParsePipelineSpec(text, Accelerators(), &issues);
  if (spec.ok()) CheckRoundTrip(*spec);
  return 0;
}
