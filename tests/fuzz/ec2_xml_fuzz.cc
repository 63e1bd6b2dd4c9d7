// Fuzz target: EC2 Query API responses (XML). Every input goes to each response parser the
// adapter uses and to the error envelope parser, all of which start from ParseXml.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "providers/aws/ec2_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace aws = sky::providers::aws;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)aws::ParseRunInstances(body);
  (void)aws::ParseDescribeInstances(body);
  (void)aws::ParseTerminateInstances(body);
  (void)aws::ParseSpotPriceHistory(body);
  (void)aws::ParseInstanceTypeOfferings(body);
  (void)aws::ParseEc2Error(body);
  return 0;
}
