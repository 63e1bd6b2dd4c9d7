#pragma once
// EC2 spot price history as the adapter reads it from DescribeSpotPriceHistory, for the
// catalog's price history (the catalog converts these into its own rows). Plain value types
// and a narrow interface; the EC2 provider implements SpotPriceSource (reach it with
// dynamic_cast from the Provider that NewEc2Provider returns).

#include <cstddef>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::providers::aws {

// One price change: the price holds from `timestamp` until the next point of the same
// (zone, instance type, product description).
struct SpotPricePoint {
  std::string availability_zone;     // "us-west-2b"
  std::string availability_zone_id;  // "usw2-az1"; empty when the response has none
  std::string instance_type;         // "p4d.24xlarge"
  std::string product_description;   // "Linux/UNIX"
  double price_per_hour = 0;         // USD
  std::string timestamp;             // ISO 8601 as EC2 sent it
  double timestamp_seconds = 0;      // the same, seconds since the Unix epoch
};

struct SpotPriceQuery {
  // Instance types; empty means all. Default: all.
  std::vector<std::string> instance_types;
  // Product descriptions ("Linux/UNIX"); empty means all. Default: {"Linux/UNIX"}.
  std::vector<std::string> product_descriptions = {"Linux/UNIX"};
  // Only this zone when set. Default: every zone of the region.
  std::string availability_zone;
  // Window in seconds since the Unix epoch; 0 leaves a bound out (EC2 then uses "now" for
  // the end and returns the prices in effect at the start). Default: 0, 0.
  double start_seconds = 0;
  double end_seconds = 0;
  // Stop after this many points (all pages are read until then). Default: 0 = no limit.
  size_t max_points = 0;
};

// Thread-safe: implementations must allow concurrent calls.
class SpotPriceSource {
 public:
  virtual ~SpotPriceSource() = default;
  // Every point matching `query`, following NextToken across pages. Errors: those of the
  // provider's calls (see sky/providers/provider.h for the codes).
  virtual Result<std::vector<SpotPricePoint>> DescribeSpotPriceHistory(
      const SpotPriceQuery& query) = 0;
};

}  // namespace sky::providers::aws
