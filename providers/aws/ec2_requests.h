#pragma once
// Query parameters of the EC2 operations the adapter calls, built by hand in the EC2
// protocol's flattening (see ec2_query.h). ec2_requests_test.cc checks each against the
// model-driven serialiser over the official service model. Pure functions; thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "providers/aws/ec2_query.h"
#include "sky/providers/aws/spot_price.h"
#include "sky/types/result.h"

namespace sky::providers::aws {

struct RunInstancesInput {
  std::string image_id;       // required
  std::string instance_type;  // required
  // A zone name ("us-east-1a") or an AZ id ("use1-az4"); empty lets EC2 choose.
  std::string zone;
  std::string client_token;  // <= 64 ASCII characters (see ClientTokenForKey)
  std::string user_data;     // raw script; sent base64-encoded
  std::string key_name;
  std::string subnet_id;
  std::vector<std::string> security_group_ids;
  // One-time spot request, terminated on interruption. Default: on-demand.
  bool spot = false;
  std::map<std::string, std::string> tags;  // applied to the instance at launch
};

// RunInstances for one instance (MinCount = MaxCount = 1).
QueryParams RunInstancesParams(const RunInstancesInput& input);

// DescribeInstances by ids (no MaxResults: EC2 refuses it together with ids) or, with no ids,
// by tag filter `tag:<key>=<value>` with MaxResults 1000. `next_token` continues a listing.
QueryParams DescribeInstancesParams(const std::vector<std::string>& instance_ids,
                                    const std::map<std::string, std::string>& tag_filter,
                                    std::string_view next_token);

// TerminateInstances.
QueryParams TerminateInstancesParams(const std::vector<std::string>& instance_ids);

// DescribeSpotPriceHistory, MaxResults 1000.
QueryParams SpotPriceHistoryParams(const SpotPriceQuery& query, std::string_view next_token);

// DescribeInstanceTypeOfferings with LocationType=availability-zone, filtered to
// `instance_types` (all when empty), MaxResults 1000.
QueryParams InstanceTypeOfferingsParams(const std::vector<std::string>& instance_types,
                                        std::string_view next_token);

// The ClientToken for an idempotency key: the key itself when it is 1-64 printable ASCII
// characters, else the 64 hex digits of its SHA-256. InvalidArgument for an empty key.
Result<std::string> ClientTokenForKey(std::string_view key);

// True for an AZ id ("use1-az4") rather than a zone name ("us-east-1a").
bool IsAvailabilityZoneId(std::string_view zone);

}  // namespace sky::providers::aws
