// Fuzz target: RunPod API JSON responses (v1 pods, v2 GPU catalog). Every input goes to each
// response parser and to the error mapping; the name helpers get the input as text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "providers/runpod/runpod_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace runpod = sky::providers::runpod;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)runpod::ParseGpuCatalog(body, "2024-01-01T00:00:00Z");
  (void)runpod::ParsePod(body);
  (void)runpod::ParsePodList(body);
  for (int status : {400, 429, 503}) (void)runpod::StatusFromError(status, body);
  (void)runpod::CanonicalGpuName(body);
  (void)runpod::CountryOfDataCenter(body);
  (void)runpod::ParseInstanceType(body);
  return 0;
}
