// Fuzz target: Lambda Cloud API JSON responses. Every input goes to each response parser and
// to the error mapping; the name helpers get the input as an instance type and description.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "providers/lambda/lambda_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace lambda = sky::providers::lambda;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)lambda::ParseInstanceTypes(body, "2024-01-01T00:00:00Z");
  (void)lambda::ParseInstance(body);
  (void)lambda::ParseInstanceList(body);
  (void)lambda::ParseLaunchedId(body);
  for (int status : {400, 429, 503}) (void)lambda::StatusFromError(status, body);
  (void)lambda::AcceleratorFromInstanceType(body);
  (void)lambda::GpuMemoryGbFromDescription(body);
  return 0;
}
