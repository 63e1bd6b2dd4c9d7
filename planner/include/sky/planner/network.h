#pragma once
// Price and throughput of moving data between two locations (DESIGN.md, "Pipeline spec",
// `network`). Immutable after load; safe to share between threads.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "sky/planner/spec.h"
#include "sky/types/result.h"

namespace sky::planner {

class NetworkModel {
 public:
  // A model with no measured tables: only the class defaults of DESIGN.md.
  NetworkModel() = default;

  // Loads the measured tables from a directory in the layout of `data/network/`.
  // Returns NotFound when the directory or a table is missing, InvalidArgument (naming file
  // and line) for a malformed table.
  static Result<NetworkModel> LoadFromDirectory(const std::string& dir);

  // The link from `src` to `dst`, each "provider:region" or "provider:region:zone" (a zone
  // counts as its region). Precedence: `overrides.pairs`, then the overrides' class defaults,
  // then the measured tables, then the built-in class defaults.
  LinkCost Link(const RegionId& src, const RegionId& dst,
                const NetworkOverrides& overrides = {}) const;

  // Number of measured (src, dst) region pairs loaded (with a price, a throughput or both).
  size_t measured_pairs() const { return measured_.size(); }

  // Adds or replaces one measured pair (tables, tests). Zones count as their region.
  void SetMeasured(const RegionId& src, const RegionId& dst, LinkCost link);
  // Sets only the measured price or only the measured throughput of a pair; the other value
  // keeps falling back to the class default.
  void SetMeasuredPrice(const RegionId& src, const RegionId& dst, double usd_per_gb);
  void SetMeasuredThroughput(const RegionId& src, const RegionId& dst, double gbps);
  // Sets the first internet-egress tier of a provider (the cross-provider default price).
  void SetInternetEgress(const std::string& provider, double usd_per_gb);

  // The cross-provider default price from `provider`: the loaded egress table, else
  // InternetEgressUsdPerGb(provider).
  double EgressUsdPerGb(const std::string& provider) const;

 private:
  struct Measured {
    std::optional<double> usd_per_gb;
    std::optional<double> gbps;
  };
  std::map<std::pair<RegionId, RegionId>, Measured> measured_;
  std::map<std::string, double> internet_egress_;  // lower-case provider -> $/GB
};

// "provider:region" of a "provider:region" or "provider:region:zone" id (lower-cased).
RegionId RegionOf(const RegionId& location);

// The source provider's first internet-egress tier in $/GB (AWS 0.09, GCP 0.12, Azure 0.0875,
// Lambda and RunPod 0, others 0.09).
double InternetEgressUsdPerGb(const std::string& provider);

}  // namespace sky::planner
