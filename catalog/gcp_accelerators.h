#pragma once
// GCP attachable accelerators: in GCP's vms.csv a GPU row has no InstanceType and prices the
// GPUs alone; a usable offer is the GPUs plus the host VM SkyPilot would pick for them in the
// same zone (rule in gcp_accelerators.cc). Not thread-safe while being filled; const use is.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sky/types/offer.h"

namespace sky::catalog {

// One host-capable VM row of one zone.
struct GcpHost {
  std::string instance_type;
  double vcpus = 0;
  double memory_gb = 0;
  std::optional<double> price;  // on-demand
  std::optional<double> spot;   // > 0 when present
};

// True for GCP machine types that come with their GPUs built in (a2-, a3-, a4-, g2-): such a
// row is a host for accelerator rows, never a CPU-only offer.
bool IsGcpGpuMachineType(std::string_view instance_type);

class GcpHostIndex {
 public:
  // Remembers `host` when it can carry accelerators (a GPU machine type or an n1-standard/
  // n1-highmem/n1-highcpu type); other types are ignored.
  void Add(std::string_view region, std::string_view zone, GcpHost host);

  // The host SkyPilot's rule picks for `count` x `accelerator` in (region, zone), the cheapest
  // on-demand candidate; nullptr when the rule has no host for that count or the zone has
  // none of the candidates.
  const GcpHost* DefaultHost(std::string_view region, std::string_view zone,
                             std::string_view accelerator, int count) const;

 private:
  std::unordered_map<std::string, std::vector<GcpHost>> by_zone_;
};

// Builds the offers of one accelerator row (`accel` carries provider, region, zone,
// accelerator, count, accelerator_memory_gb, observed_at and source) on `host`: on-demand
// when both have a price, spot when both have a spot price. Ids name the accelerator when the
// host is an n1 type. Returns the offers (empty when neither market has both prices).
std::vector<Offer> AttachToHost(const Offer& accel, std::optional<double> accel_price,
                                std::optional<double> accel_spot, const GcpHost& host);

}  // namespace sky::catalog
