// ParsePipelineSpec, part 3: `constraints`, `reservations` and `network`.
#include <string>
#include <vector>

#include "planner/accelerator_names.h"
#include "planner/spec_parser.h"

namespace sky::planner::internal {
namespace {

std::vector<Market> ParseMarkets(const Json& constraints, SpecReader& reader) {
  std::vector<Market> markets;
  auto it = constraints.find("markets");
  const std::string path = "constraints.markets";
  if (it == constraints.end() || !reader.ExpectType(*it, Json::value_t::array, path)) {
    return markets;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!reader.ExpectType(item, Json::value_t::string, IndexPath(path, i))) continue;
    std::optional<Market> market = ParseMarket(item.get<std::string>());
    if (!market) {
      reader.Add(IndexPath(path, i), "unknown market \"" + item.get<std::string>() +
                                         "\", expected \"on_demand\" or \"spot\"");
    } else if (*market == Market::kReserved) {
      reader.Add(IndexPath(path, i),
                 "reserved offers are not planning candidates; list capacity you hold under "
                 "\"reservations\"");
    } else {
      markets.push_back(*market);
    }
  }
  return markets;
}

void ParseStageRegions(const Json& constraints, const SpecContext& context, Constraints& out,
                       SpecReader& reader) {
  auto it = constraints.find("stage_regions");
  const std::string path = "constraints.stage_regions";
  if (it == constraints.end() || !reader.ExpectType(*it, Json::value_t::object, path)) return;
  for (const auto& item : it->items()) {
    if (!context.stages.count(item.key())) {
      std::vector<std::string> names(context.stages.begin(), context.stages.end());
      std::string hint = DidYouMean(NearestNames(item.key(), names));
      reader.Add(KeyPath(path, item.key()),
                 "unknown stage \"" + item.key() + "\"" + (hint.empty() ? "" : ", " + hint));
    }
    out.stage_regions[item.key()] = reader.StringList(*it, item.key(), path);
  }
}

std::optional<LinkCost> ParseLink(const Json& object, const std::string& path, SpecReader& reader) {
  std::optional<double> usd = reader.Number(object, "usd_per_gb", path, true);
  reader.CheckNonNegative(usd, KeyPath(path, "usd_per_gb"));
  std::optional<double> gbps = reader.Number(object, "gbps", path, true);
  reader.CheckPositive(gbps, KeyPath(path, "gbps"));
  if (!usd || !gbps) return std::nullopt;
  return LinkCost{*usd, *gbps};
}

std::optional<LinkCost> ParseLinkClass(const Json& network, const std::string& key,
                                       SpecReader& reader) {
  auto it = network.find(key);
  const std::string path = KeyPath("network", key);
  if (it == network.end() || !reader.ExpectType(*it, Json::value_t::object, path)) {
    return std::nullopt;
  }
  reader.CheckKeys(*it, path, {"usd_per_gb", "gbps"});
  return ParseLink(*it, path, reader);
}

void ParsePairs(const Json& network, NetworkOverrides& out, SpecReader& reader) {
  auto it = network.find("pairs");
  const std::string path = "network.pairs";
  if (it == network.end() || !reader.ExpectType(*it, Json::value_t::array, path)) return;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    const std::string item_path = IndexPath(path, i);
    if (!reader.ExpectType(item, Json::value_t::object, item_path)) continue;
    reader.CheckKeys(item, item_path, {"src", "dst", "usd_per_gb", "gbps"});
    std::optional<std::string> src = reader.String(item, "src", item_path, true);
    std::optional<std::string> dst = reader.String(item, "dst", item_path, true);
    if (src) reader.CheckLocation(*src, KeyPath(item_path, "src"), true);
    if (dst) reader.CheckLocation(*dst, KeyPath(item_path, "dst"), true);
    std::optional<LinkCost> link = ParseLink(item, item_path, reader);
    if (src && dst && link) out.pairs.push_back({*src, *dst, *link});
  }
}

Reservation ParseReservation(const Json& item, const std::string& path, SpecReader& reader) {
  Reservation out;
  reader.CheckKeys(item, path, {"provider", "region", "instance_type", "count"});
  for (auto [key, field] : {std::pair<const char*, std::string*>{"provider", &out.provider},
                            {"region", &out.region},
                            {"instance_type", &out.instance_type}}) {
    std::optional<std::string> value = reader.String(item, key, path, true);
    if (value && value->empty()) reader.Add(KeyPath(path, key), "must not be empty");
    *field = value.value_or("");
  }
  if (out.region.find(':') != std::string::npos) {
    reader.Add(KeyPath(path, "region"),
               "expected a region name such as \"us-east-1\", got \"" + out.region + "\"");
  }
  auto count = item.find("count");
  if (count == item.end()) {
    reader.Add(KeyPath(path, "count"), "required");
  } else {
    out.count = reader.Count(*count, KeyPath(path, "count")).value_or(0);
  }
  return out;
}

}  // namespace

void ParseConstraints(const Json& root, const SpecContext& context, PipelineSpec& spec,
                      SpecReader& reader) {
  auto it = root.find("constraints");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::object, "constraints")) return;
  reader.CheckKeys(*it, "constraints", {"providers", "regions", "markets", "stage_regions"});
  spec.constraints.providers = reader.StringList(*it, "providers", "constraints");
  spec.constraints.regions = reader.StringList(*it, "regions", "constraints");
  spec.constraints.markets = ParseMarkets(*it, reader);
  ParseStageRegions(*it, context, spec.constraints, reader);
}

void ParseReservations(const Json& root, PipelineSpec& spec, SpecReader& reader) {
  auto it = root.find("reservations");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::array, "reservations")) return;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string path = IndexPath("reservations", i);
    if (!reader.ExpectType((*it)[i], Json::value_t::object, path)) continue;
    spec.reservations.push_back(ParseReservation((*it)[i], path, reader));
  }
}

void ParseNetwork(const Json& root, PipelineSpec& spec, SpecReader& reader) {
  auto it = root.find("network");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::object, "network")) return;
  reader.CheckKeys(*it, "network", {"same_region", "same_provider", "cross_provider", "pairs"});
  spec.network.same_region = ParseLinkClass(*it, "same_region", reader);
  spec.network.same_provider = ParseLinkClass(*it, "same_provider", reader);
  spec.network.cross_provider = ParseLinkClass(*it, "cross_provider", reader);
  ParsePairs(*it, spec.network, reader);
}

}  // namespace sky::planner::internal
