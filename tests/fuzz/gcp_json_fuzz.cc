// Fuzz target: Compute Engine JSON responses. Every input goes to each parser the adapter
// uses (instance, operation and their lists, accelerator types) and to the error mapping;
// a parsed operation also goes through StatusFromOperation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "providers/gcp/gcp_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gcp = sky::providers::gcp;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string token;
  (void)gcp::ParseInstance(body);
  (void)gcp::ParseInstanceList(body, &token);
  auto operation = gcp::ParseOperation(body);
  if (operation.ok()) (void)gcp::StatusFromOperation(*operation);
  auto operations = gcp::ParseOperationList(body, &token);
  if (operations.ok()) {
    for (const auto& op : *operations) (void)gcp::StatusFromOperation(op);
  }
  (void)gcp::ParseAcceleratorTypeList(body, &token);
  for (int status : {400, 403, 429, 503}) (void)gcp::StatusFromHttpError(status, body);
  return 0;
}
