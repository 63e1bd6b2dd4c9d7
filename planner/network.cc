#include "sky/planner/network.h"

#include <string_view>

#include "planner/network_tables.h"

namespace sky::planner {
namespace {

// Built-in class defaults (DESIGN.md, "Pipeline spec", `network`).
constexpr LinkCost kSameRegion{0.0, 100.0};
constexpr LinkCost kSameProvider{0.02, 25.0};
constexpr double kCrossProviderGbps = 10.0;

std::string ProviderOf(const RegionId& id) {
  return AsciiLower(std::string_view(id).substr(0, id.find(':')));
}

enum class LinkClass { kSameRegion, kSameProvider, kCrossProvider };

LinkClass Classify(const RegionId& src_region, const RegionId& dst_region) {
  if (src_region == dst_region) return LinkClass::kSameRegion;
  if (ProviderOf(src_region) == ProviderOf(dst_region)) return LinkClass::kSameProvider;
  return LinkClass::kCrossProvider;
}

const std::optional<LinkCost>& ClassOverride(const NetworkOverrides& overrides, LinkClass c) {
  switch (c) {
    case LinkClass::kSameRegion:
      return overrides.same_region;
    case LinkClass::kSameProvider:
      return overrides.same_provider;
    case LinkClass::kCrossProvider:
      break;
  }
  return overrides.cross_provider;
}

}  // namespace

RegionId RegionOf(const RegionId& location) {
  std::string lower = AsciiLower(location);
  size_t first = lower.find(':');
  if (first == std::string::npos) return lower;
  size_t second = lower.find(':', first + 1);
  return second == std::string::npos ? lower : lower.substr(0, second);
}

double InternetEgressUsdPerGb(const std::string& provider) {
  std::string p = AsciiLower(provider);
  if (p == "aws") return 0.09;
  if (p == "gcp") return 0.12;
  if (p == "azure") return 0.0875;
  if (p == "lambda" || p == "runpod") return 0.0;
  return 0.09;
}

Result<NetworkModel> NetworkModel::LoadFromDirectory(const std::string& dir) {
  NetworkModel model;
  std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  SKY_RETURN_IF_ERROR(internal::LoadThroughputTable(base + "throughput.csv", model));
  SKY_RETURN_IF_ERROR(internal::LoadTransferCostTable(base + "transfer_cost.csv", model));
  SKY_RETURN_IF_ERROR(internal::LoadInternetEgressTable(base + "internet_egress.csv", model));
  return model;
}

LinkCost NetworkModel::Link(const RegionId& src, const RegionId& dst,
                            const NetworkOverrides& overrides) const {
  const RegionId src_region = RegionOf(src);
  const RegionId dst_region = RegionOf(dst);
  for (const LinkOverride& pair : overrides.pairs) {
    if (RegionOf(pair.src) == src_region && RegionOf(pair.dst) == dst_region) return pair.link;
  }
  const LinkClass link_class = Classify(src_region, dst_region);
  if (const auto& by_class = ClassOverride(overrides, link_class)) return *by_class;

  LinkCost fallback = kSameRegion;
  if (link_class == LinkClass::kSameProvider) fallback = kSameProvider;
  if (link_class == LinkClass::kCrossProvider) {
    fallback = LinkCost{EgressUsdPerGb(ProviderOf(src_region)), kCrossProviderGbps};
  }
  // Same region is always the same-region class, even when a table measured it.
  if (link_class == LinkClass::kSameRegion) return fallback;

  auto it = measured_.find({src_region, dst_region});
  if (it == measured_.end()) return fallback;
  return LinkCost{it->second.usd_per_gb.value_or(fallback.usd_per_gb),
                  it->second.gbps.value_or(fallback.gbps)};
}

void NetworkModel::SetMeasured(const RegionId& src, const RegionId& dst, LinkCost link) {
  Measured& m = measured_[{RegionOf(src), RegionOf(dst)}];
  m.usd_per_gb = link.usd_per_gb;
  m.gbps = link.gbps;
}

void NetworkModel::SetMeasuredPrice(const RegionId& src, const RegionId& dst, double usd_per_gb) {
  measured_[{RegionOf(src), RegionOf(dst)}].usd_per_gb = usd_per_gb;
}

void NetworkModel::SetMeasuredThroughput(const RegionId& src, const RegionId& dst, double gbps) {
  measured_[{RegionOf(src), RegionOf(dst)}].gbps = gbps;
}

void NetworkModel::SetInternetEgress(const std::string& provider, double usd_per_gb) {
  internet_egress_[AsciiLower(provider)] = usd_per_gb;
}

double NetworkModel::EgressUsdPerGb(const std::string& provider) const {
  auto it = internet_egress_.find(AsciiLower(provider));
  return it != internet_egress_.end() ? it->second : InternetEgressUsdPerGb(provider);
}

}  // namespace sky::planner
