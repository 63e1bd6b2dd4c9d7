#include "sky/catalog/aws_zones.h"

#include <cctype>

namespace sky::catalog {
namespace {

struct ZonePrefix {
  std::string_view prefix;
  std::string_view region;
};

// Every commercial, GovCloud and China region's AZ-id prefix (AWS "AZ IDs" documentation).
constexpr ZonePrefix kZonePrefixes[] = {
    {"use1", "us-east-1"},       {"use2", "us-east-2"},       {"usw1", "us-west-1"},
    {"usw2", "us-west-2"},       {"usge1", "us-gov-east-1"},  {"usgw1", "us-gov-west-1"},
    {"cac1", "ca-central-1"},    {"caw1", "ca-west-1"},       {"mxc1", "mx-central-1"},
    {"sae1", "sa-east-1"},       {"euw1", "eu-west-1"},       {"euw2", "eu-west-2"},
    {"euw3", "eu-west-3"},       {"euc1", "eu-central-1"},    {"euc2", "eu-central-2"},
    {"eun1", "eu-north-1"},      {"eus1", "eu-south-1"},      {"eus2", "eu-south-2"},
    {"afs1", "af-south-1"},      {"mes1", "me-south-1"},      {"mec1", "me-central-1"},
    {"ilc1", "il-central-1"},    {"ape1", "ap-east-1"},       {"ape2", "ap-east-2"},
    {"aps1", "ap-south-1"},      {"aps2", "ap-south-2"},      {"apne1", "ap-northeast-1"},
    {"apne2", "ap-northeast-2"}, {"apne3", "ap-northeast-3"}, {"apse1", "ap-southeast-1"},
    {"apse2", "ap-southeast-2"}, {"apse3", "ap-southeast-3"}, {"apse4", "ap-southeast-4"},
    {"apse5", "ap-southeast-5"}, {"apse6", "ap-southeast-6"}, {"apse7", "ap-southeast-7"},
    {"cnn1", "cn-north-1"},      {"cnnw1", "cn-northwest-1"},
};

}  // namespace

std::string_view AwsRegionOfZoneId(std::string_view az_id) {
  // "<prefix>-az<N>", or "<prefix>-<local zone>-az<N>" for Local Zones.
  const size_t az = az_id.rfind("-az");
  if (az == std::string_view::npos || az + 3 >= az_id.size()) return {};
  for (char c : az_id.substr(az + 3)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  }
  const std::string_view prefix = az_id.substr(0, az_id.find('-'));
  for (const ZonePrefix& z : kZonePrefixes) {
    if (z.prefix == prefix) return z.region;
  }
  return {};
}

}  // namespace sky::catalog
