#pragma once
// Readers for the derived network tables in `data/network/` (see data/network/README.md).
// Each returns NotFound when the file cannot be opened and InvalidArgument naming "file:line"
// for a malformed row. Stateless; thread-safe.

#include <string>

#include "sky/planner/network.h"
#include "sky/types/status.h"

namespace sky::planner::internal {

// `src,dst,gbps`: measured throughput between two "provider:region" ids.
Status LoadThroughputTable(const std::string& path, NetworkModel& model);
// `src,dst,usd_per_gb`: per-GB transfer price between two "provider:region" ids.
Status LoadTransferCostTable(const std::string& path, NetworkModel& model);
// `provider,usd_per_gb`: the first internet-egress tier of each provider.
Status LoadInternetEgressTable(const std::string& path, NetworkModel& model);

}  // namespace sky::planner::internal
