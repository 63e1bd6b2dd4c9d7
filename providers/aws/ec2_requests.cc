#include "providers/aws/ec2_requests.h"

#include <cmath>
#include <string>

#include "sky/providers/auth/crypto.h"

namespace sky::providers::aws {
namespace {

constexpr std::string_view kMaxResults = "1000";

void AddNextToken(QueryParams& params, std::string_view next_token) {
  if (!next_token.empty()) params.emplace_back("NextToken", std::string(next_token));
}

void AddSpotOptions(QueryParams& params) {
  params.emplace_back("InstanceMarketOptions.MarketType", "spot");
  params.emplace_back("InstanceMarketOptions.SpotOptions.SpotInstanceType", "one-time");
  params.emplace_back("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior",
                      "terminate");
}

}  // namespace

bool IsAvailabilityZoneId(std::string_view zone) {
  return zone.find("-az") != std::string_view::npos;
}

QueryParams RunInstancesParams(const RunInstancesInput& input) {
  QueryParams params = {{"ImageId", input.image_id},
                        {"InstanceType", input.instance_type},
                        {"MinCount", "1"},
                        {"MaxCount", "1"}};
  if (!input.client_token.empty()) params.emplace_back("ClientToken", input.client_token);
  if (!input.user_data.empty()) params.emplace_back("UserData", Base64Encode(input.user_data));
  if (!input.key_name.empty()) params.emplace_back("KeyName", input.key_name);
  if (!input.subnet_id.empty()) params.emplace_back("SubnetId", input.subnet_id);
  AddQueryList(params, "SecurityGroupId", input.security_group_ids);
  if (!input.zone.empty()) {
    params.emplace_back(IsAvailabilityZoneId(input.zone) ? "Placement.AvailabilityZoneId"
                                                         : "Placement.AvailabilityZone",
                        input.zone);
  }
  if (input.spot) AddSpotOptions(params);
  if (!input.tags.empty()) {
    params.emplace_back("TagSpecification.1.ResourceType", "instance");
    AddQueryTags(params, "TagSpecification.1.Tag", input.tags);
  }
  return params;
}

QueryParams DescribeInstancesParams(const std::vector<std::string>& instance_ids,
                                    const std::map<std::string, std::string>& tag_filter,
                                    std::string_view next_token) {
  QueryParams params;
  AddQueryList(params, "InstanceId", instance_ids);
  int index = 0;
  for (const auto& [key, value] : tag_filter) {
    AddQueryFilter(params, ++index, "tag:" + key, {value});
  }
  if (instance_ids.empty()) params.emplace_back("MaxResults", std::string(kMaxResults));
  AddNextToken(params, next_token);
  return params;
}

QueryParams TerminateInstancesParams(const std::vector<std::string>& instance_ids) {
  QueryParams params;
  AddQueryList(params, "InstanceId", instance_ids);
  return params;
}

QueryParams SpotPriceHistoryParams(const SpotPriceQuery& query, std::string_view next_token) {
  QueryParams params;
  if (query.start_seconds > 0) {
    params.emplace_back("StartTime",
                        FormatIsoUtc(static_cast<int64_t>(std::floor(query.start_seconds))));
  }
  if (query.end_seconds > 0) {
    params.emplace_back("EndTime",
                        FormatIsoUtc(static_cast<int64_t>(std::floor(query.end_seconds))));
  }
  AddQueryList(params, "InstanceType", query.instance_types);
  AddQueryList(params, "ProductDescription", query.product_descriptions);
  if (!query.availability_zone.empty()) {
    params.emplace_back("AvailabilityZone", query.availability_zone);
  }
  params.emplace_back("MaxResults", std::string(kMaxResults));
  AddNextToken(params, next_token);
  return params;
}

QueryParams InstanceTypeOfferingsParams(const std::vector<std::string>& instance_types,
                                        std::string_view next_token) {
  QueryParams params = {{"LocationType", "availability-zone"}};
  if (!instance_types.empty()) AddQueryFilter(params, 1, "instance-type", instance_types);
  params.emplace_back("MaxResults", std::string(kMaxResults));
  AddNextToken(params, next_token);
  return params;
}

Result<std::string> ClientTokenForKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("empty idempotency key");
  bool printable = key.size() <= 64;
  for (char c : key) printable = printable && c >= 0x21 && c <= 0x7E;
  if (printable) return std::string(key);
  return auth::Sha256Hex(key);
}

}  // namespace sky::providers::aws
