// The GCP host rule, as SkyPilot's GCP catalog applies it when it lists accelerators
// (sky/catalog/gcp_catalog.py, list_accelerators -> _get_host_instance_type), re-stated here:
//
//  * A100, A100-80GB, L4, H100, H100-MEGA, H200 and B200 only run on their own machine types:
//      A100       1/2/4/8 -> a2-highgpu-{1,2,4,8}g, 16 -> a2-megagpu-16g
//      A100-80GB  1/2/4/8 -> a2-ultragpu-{1,2,4,8}g
//      L4         1 -> g2-standard-{4,8,12,16,32} (cheapest: g2-standard-4), 2 -> g2-standard-24,
//                 4 -> g2-standard-48, 8 -> g2-standard-96
//      H100       1/2/4/8 -> a3-highgpu-{1,2,4,8}g;  H100-MEGA 8 -> a3-megagpu-8g
//      H200       8 -> a3-ultragpu-8g;  B200 8 -> a4-highgpu-8g
//  * Every other GPU (T4, V100, P100, P4, K80, ...) attaches to an n1-standard, n1-highmem or
//    n1-highcpu VM with at least C vCPUs and 4*C GiB of memory, where C per GPU count is
//      K80  1:4  2:8  4:16 8:32 16:64        V100 1:8 2:16 4:32 8:64
//      T4   1:4  2:8  4:48                   P100 1:8 2:16 4:32 8:64
//      any other GPU (P4, ...) 1:8 2:16 4:32 8:64 16:128
//    A count missing from its table has no host.
//  * Among the candidates present in the accelerator row's zone with an on-demand price, the
//    cheapest on-demand one is the host (e.g. 1 x V100 -> n1-highmem-8: 8 vCPUs, 52 GiB).
//  * The offer's price is GPU price + host price, for on-demand and for spot alike (spot
//    only when both have a spot price); its vCPUs and memory are the host's.
//  * No candidate in the zone (a2-megagpu-16g is missing in some zones) means no offer.

#include "catalog/gcp_accelerators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace sky::catalog {
namespace {

struct FixedHosts {
  std::string_view accelerator;
  int count;
  std::array<std::string_view, 5> types;  // empty entries unused
};

constexpr FixedHosts kFixedHosts[] = {
    {"A100", 1, {"a2-highgpu-1g"}},
    {"A100", 2, {"a2-highgpu-2g"}},
    {"A100", 4, {"a2-highgpu-4g"}},
    {"A100", 8, {"a2-highgpu-8g"}},
    {"A100", 16, {"a2-megagpu-16g"}},
    {"A100-80GB", 1, {"a2-ultragpu-1g"}},
    {"A100-80GB", 2, {"a2-ultragpu-2g"}},
    {"A100-80GB", 4, {"a2-ultragpu-4g"}},
    {"A100-80GB", 8, {"a2-ultragpu-8g"}},
    {"L4",
     1,
     {"g2-standard-4", "g2-standard-8", "g2-standard-12", "g2-standard-16", "g2-standard-32"}},
    {"L4", 2, {"g2-standard-24"}},
    {"L4", 4, {"g2-standard-48"}},
    {"L4", 8, {"g2-standard-96"}},
    {"H100", 1, {"a3-highgpu-1g"}},
    {"H100", 2, {"a3-highgpu-2g"}},
    {"H100", 4, {"a3-highgpu-4g"}},
    {"H100", 8, {"a3-highgpu-8g"}},
    {"H100-MEGA", 8, {"a3-megagpu-8g"}},
    {"H200", 8, {"a3-ultragpu-8g"}},
    {"B200", 8, {"a4-highgpu-8g"}},
};

// Accelerators with their own machine types (the names in kFixedHosts).
constexpr std::string_view kFixedAccelerators[] = {"A100",      "A100-80GB", "L4",  "H100",
                                                   "H100-MEGA", "H200",      "B200"};

struct N1Cpus {
  std::string_view accelerator;  // "" = any other GPU
  std::array<std::pair<int, int>, 5> count_to_cpus;
};

constexpr N1Cpus kN1Cpus[] = {
    {"K80", {{{1, 4}, {2, 8}, {4, 16}, {8, 32}, {16, 64}}}},
    {"V100", {{{1, 8}, {2, 16}, {4, 32}, {8, 64}, {0, 0}}}},
    {"T4", {{{1, 4}, {2, 8}, {4, 48}, {0, 0}, {0, 0}}}},
    {"P100", {{{1, 8}, {2, 16}, {4, 32}, {8, 64}, {0, 0}}}},
    {"", {{{1, 8}, {2, 16}, {4, 32}, {8, 64}, {16, 128}}}},
};

constexpr int kGpuMemoryPerCpu = 4;  // GiB of host memory per required vCPU

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool IsN1HostType(std::string_view type) {
  return StartsWith(type, "n1-standard-") || StartsWith(type, "n1-highmem-") ||
         StartsWith(type, "n1-highcpu-");
}

bool HasFixedHosts(std::string_view accelerator) {
  return std::find(std::begin(kFixedAccelerators), std::end(kFixedAccelerators), accelerator) !=
         std::end(kFixedAccelerators);
}

bool IsFixedHostFor(std::string_view accelerator, int count, std::string_view type) {
  for (const FixedHosts& f : kFixedHosts) {
    if (f.accelerator != accelerator || f.count != count) continue;
    return std::find(f.types.begin(), f.types.end(), type) != f.types.end();
  }
  return false;
}

// Minimum host vCPUs for `count` x `accelerator` on n1; 0 when the count is not supported.
int N1MinCpus(std::string_view accelerator, int count) {
  const N1Cpus* table = &kN1Cpus[std::size(kN1Cpus) - 1];
  for (const N1Cpus& t : kN1Cpus) {
    if (t.accelerator == accelerator) table = &t;
  }
  for (const auto& [n, cpus] : table->count_to_cpus) {
    if (n == count) return cpus;
  }
  return 0;
}

std::string ZoneKey(std::string_view region, std::string_view zone) {
  std::string key(region);
  key += '/';
  key += zone;
  return key;
}

}  // namespace

bool IsGcpGpuMachineType(std::string_view type) {
  return StartsWith(type, "a2-") || StartsWith(type, "a3-") || StartsWith(type, "a4-") ||
         StartsWith(type, "g2-");
}

void GcpHostIndex::Add(std::string_view region, std::string_view zone, GcpHost host) {
  if (!IsGcpGpuMachineType(host.instance_type) && !IsN1HostType(host.instance_type)) return;
  by_zone_[ZoneKey(region, zone)].push_back(std::move(host));
}

const GcpHost* GcpHostIndex::DefaultHost(std::string_view region, std::string_view zone,
                                         std::string_view accelerator, int count) const {
  const auto it = by_zone_.find(ZoneKey(region, zone));
  if (it == by_zone_.end()) return nullptr;
  const bool fixed = HasFixedHosts(accelerator);
  const int min_cpus = fixed ? 0 : N1MinCpus(accelerator, count);
  if (!fixed && min_cpus == 0) return nullptr;
  const GcpHost* best = nullptr;
  for (const GcpHost& h : it->second) {
    if (!h.price) continue;
    const bool fits = fixed ? IsFixedHostFor(accelerator, count, h.instance_type)
                            : IsN1HostType(h.instance_type) && h.vcpus >= min_cpus &&
                                  h.memory_gb >= min_cpus * kGpuMemoryPerCpu;
    if (fits && (best == nullptr || *h.price < *best->price)) best = &h;
  }
  return best;
}

std::vector<Offer> AttachToHost(const Offer& accel, std::optional<double> accel_price,
                                std::optional<double> accel_spot, const GcpHost& host) {
  std::vector<Offer> out;
  Offer offer = accel;
  offer.instance_type = host.instance_type;
  offer.vcpus = host.vcpus;
  offer.memory_gb = host.memory_gb;
  const bool attached = IsN1HostType(host.instance_type);
  auto emit = [&](Market market, double price) {
    offer.market = market;
    // Both parts have at most 5-6 decimals; keep the sum free of binary noise.
    offer.price_per_hour = std::round(price * 1e6) / 1e6;
    offer.id = MakeOfferId(offer, attached);
    out.push_back(offer);
  };
  if (accel_price && host.price) emit(Market::kOnDemand, *accel_price + *host.price);
  if (accel_spot && host.spot) emit(Market::kSpot, *accel_spot + *host.spot);
  return out;
}

}  // namespace sky::catalog
