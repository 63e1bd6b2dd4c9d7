#include "sky/providers/spot_trace.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sky::providers {
namespace {

size_t TickAt(double t, double gap, size_t ticks) {
  if (t <= 0 || ticks == 0) return 0;
  const double tick = std::floor(t / gap);
  return tick >= static_cast<double>(ticks - 1) ? ticks - 1 : static_cast<size_t>(tick);
}

Status ReadCounts(const nlohmann::json& data, std::vector<int>& out) {
  if (!data.is_array() || data.empty()) {
    return Status::InvalidArgument("data: expected a non-empty array of instance counts");
  }
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const auto& v = data[i];
    // Above INT_MAX the conversion to int is undefined behaviour (found by fuzzing).
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() != std::floor(v.get<double>()) ||
        v.get<double>() > std::numeric_limits<int>::max()) {
      return Status::InvalidArgument("data[" + std::to_string(i) +
                                     "]: expected a non-negative integer");
    }
    out.push_back(v.get<int>());
  }
  return Status::Ok();
}

Status ReadPrices(const nlohmann::json& root, size_t ticks, std::vector<double>& out) {
  if (!root.contains("prices")) return Status::Ok();
  const auto& prices = root["prices"];
  if (!prices.is_array() || prices.size() != ticks) {
    return Status::InvalidArgument("prices: expected an array as long as data (" +
                                   std::to_string(ticks) + ")");
  }
  for (size_t i = 0; i < prices.size(); ++i) {
    if (!prices[i].is_number() || prices[i].get<double>() < 0) {
      return Status::InvalidArgument("prices[" + std::to_string(i) +
                                     "]: expected a non-negative number");
    }
    out.push_back(prices[i].get<double>());
  }
  return Status::Ok();
}

}  // namespace

int SpotTrace::AvailableAt(double t) const {
  if (available.empty()) return 0;
  return available[TickAt(t, gap_seconds, available.size())];
}

std::optional<double> SpotTrace::PriceAt(double t) const {
  if (prices.empty()) return std::nullopt;
  return prices[TickAt(t, gap_seconds, prices.size())];
}

Result<SpotTrace> ParseSpotTrace(const std::string& json_text) {
  auto root = nlohmann::json::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Status::InvalidArgument("not a JSON object");
  }
  SpotTrace trace;
  const auto meta = root.find("metadata");
  if (meta == root.end() || !meta->is_object() || !meta->contains("gap_seconds") ||
      !(*meta)["gap_seconds"].is_number() || (*meta)["gap_seconds"].get<double>() <= 0) {
    return Status::InvalidArgument("metadata.gap_seconds: expected a positive number");
  }
  trace.gap_seconds = (*meta)["gap_seconds"].get<double>();
  if (!root.contains("data")) return Status::InvalidArgument("data: missing");
  SKY_RETURN_IF_ERROR(ReadCounts(root["data"], trace.available));
  SKY_RETURN_IF_ERROR(ReadPrices(root, trace.available.size(), trace.prices));
  return trace;
}

Result<SpotTrace> LoadSpotTrace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open spot trace " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto trace = ParseSpotTrace(buf.str());
  if (!trace.ok()) return trace.status().WithPrefix(path);
  return trace;
}

}  // namespace sky::providers
