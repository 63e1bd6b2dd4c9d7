#pragma once
// Parsers for the EC2 responses the adapter reads (API version 2016-11-15): RunInstances,
// DescribeInstances, TerminateInstances, DescribeSpotPriceHistory,
// DescribeInstanceTypeOfferings, and the error envelope
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
// Each takes the response body. Pure functions; thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sky/providers/aws/spot_price.h"
#include "sky/types/result.h"

namespace sky::providers::aws {

// One instance as EC2 describes it (the fields the adapter uses).
struct Ec2Instance {
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
  int state_code = -1;            // 0 pending, 16 running, 32 shutting-down, 48 terminated, ...
  std::string state_name;         // "pending", "running", "shutting-down", "terminated", ...
  std::string state_reason_code;  // "Server.SpotInstanceTermination"; empty when none
  std::string state_reason_message;
  std::string state_transition_reason;  // <reason>, free text
  std::string lifecycle;   // "spot", "scheduled", "capacity-block"; empty for on-demand
  std::string public_ip;   // <ipAddress>
  std::string private_ip;  // <privateIpAddress>
  std::string client_token;
  std::string launch_time;         // as sent, ISO 8601
  double launch_time_seconds = 0;  // the same, seconds since the Unix epoch (0 when absent)
  std::map<std::string, std::string> tags;
};

// The EC2 error envelope.
struct Ec2Error {
  std::string code;  // "InsufficientInstanceCapacity"
  std::string message;
  std::string request_id;
};

struct DescribeInstancesPage {
  std::vector<Ec2Instance> instances;  // every instance of every reservation, in order
  std::string next_token;              // empty on the last page
};

struct InstanceStateChange {
  std::string instance_id;
  std::string current_state;  // <currentState> (or <shutdownState>) name
  std::string previous_state;
};

struct SpotPriceHistoryPage {
  std::vector<SpotPricePoint> prices;
  std::string next_token;  // empty on the last page
};

struct InstanceTypeOffering {
  std::string instance_type;
  std::string location_type;  // "availability-zone", "region", ...
  std::string location;       // "us-east-1a"
};

struct InstanceTypeOfferingsPage {
  std::vector<InstanceTypeOffering> offerings;
  std::string next_token;
};

// Errors of every parser: InvalidArgument when the body is not well-formed XML, is not the
// expected response element, or holds a value that does not convert (a non-numeric state
// code, a bad timestamp or price).

// RunInstancesResponse: the launched instances.
Result<std::vector<Ec2Instance>> ParseRunInstances(std::string_view body);
// DescribeInstancesResponse.
Result<DescribeInstancesPage> ParseDescribeInstances(std::string_view body);
// TerminateInstancesResponse.
Result<std::vector<InstanceStateChange>> ParseTerminateInstances(std::string_view body);
// DescribeSpotPriceHistoryResponse.
Result<SpotPriceHistoryPage> ParseSpotPriceHistory(std::string_view body);
// DescribeInstanceTypeOfferingsResponse.
Result<InstanceTypeOfferingsPage> ParseInstanceTypeOfferings(std::string_view body);
// The error envelope (also accepts <ErrorResponse><Error> as other Query APIs send it).
// InvalidArgument when the body is no error envelope.
Result<Ec2Error> ParseEc2Error(std::string_view body);

}  // namespace sky::providers::aws
