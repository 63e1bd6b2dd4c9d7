#pragma once
// AWS availability-zone ids ("use1-az4") and the regions they belong to. AZ ids are the same
// for every account (zone *names* like us-east-1a are not), which is why the spot price
// history and SkyPilot's AWS catalog use them. Pure functions; thread-safe.

#include <string_view>

namespace sky::catalog {

// The region of an AZ id from its prefix ("use1-az4" -> "us-east-1", "usgw1-az1" ->
// "us-gov-west-1"); empty when the text is not an AZ id or the prefix is unknown.
std::string_view AwsRegionOfZoneId(std::string_view az_id);

}  // namespace sky::catalog
