#include "api/handlers/offer_query_params.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "api/handlers/offer_cursor.h"
#include "sky/catalog/iso_time.h"

namespace sky::api {
namespace {

using catalog::OfferQuery;

constexpr double kMaxCount = 1e15;  // limit and offset; exact in a double and in size_t

Result<double> ParseNumber(const std::string& name, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < 0) {
    return Status::InvalidArgument(name + ": expected a non-negative number, got '" + text + "'");
  }
  return v;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(AsciiLower(item));
  }
  return out;
}

Status ApplyEnum(const std::string& name, const std::string& v, OfferQuery& q) {
  if (name == "market") {
    auto m = ParseMarket(v);
    if (!m) {
      return Status::InvalidArgument("market: expected on_demand, spot or reserved, got '" + v +
                                     "'");
    }
    q.market = *m;
  } else if (name == "sort") {
    if (v == "price") {
      q.sort = catalog::SortKey::kPrice;
    } else if (v == "gpu_price" || v == "gpu-price") {
      q.sort = catalog::SortKey::kPricePerAccelerator;
    } else if (v == "gpu_memory" || v == "gpu-memory") {
      q.sort = catalog::SortKey::kAcceleratorMemory;
    } else {
      return Status::InvalidArgument("sort: expected price, gpu_price or gpu_memory, got '" + v +
                                     "'");
    }
  } else {  // group_by
    if (v == "provider") {
      q.group_by = catalog::GroupBy::kProvider;
    } else if (v == "region") {
      q.group_by = catalog::GroupBy::kRegion;
    } else if (v == "accelerator" || v == "gpu") {
      q.group_by = catalog::GroupBy::kAccelerator;
    } else {
      return Status::InvalidArgument("group_by: expected provider, region or accelerator, got '" +
                                     v + "'");
    }
  }
  return Status::Ok();
}

Status ApplyNumber(const std::string& name, double v, OfferQuery& q) {
  if (name == "max_price") {
    q.max_price_per_hour = v;
  } else if (name == "max_price_per_gpu") {
    q.max_price_per_accelerator_hour = v;
  } else if (name == "min_gpu_memory") {
    q.min_accelerator_memory_gb = v;
  } else if (name == "min_vcpus") {
    q.min_vcpus = v;
  } else if (name == "min_memory") {
    q.min_memory_gb = v;
  } else if (v != std::floor(v)) {
    return Status::InvalidArgument(name + ": expected an integer");
  } else if (v > kMaxCount) {
    // Converting a double beyond size_t's range is undefined behaviour: refuse it first.
    return Status::InvalidArgument(name + ": at most 10^15");
  } else if (name == "limit") {
    q.limit = static_cast<size_t>(v);
  } else {
    q.offset = static_cast<size_t>(v);
  }
  return Status::Ok();
}

Status ApplyParam(const std::string& name, const std::string& value, OfferQuery& q) {
  if (name == "gpu") return ParseGpuFilter(value, q);
  if (name == "market" || name == "sort" || name == "group_by") return ApplyEnum(name, value, q);
  if (name == "provider") {
    q.providers = SplitComma(value);
    return Status::Ok();
  }
  if (name == "region") {
    q.region_glob = value;
    return Status::Ok();
  }
  if (name == "cpu_only") {
    if (value != "true" && value != "false" && !value.empty()) {
      return Status::InvalidArgument("cpu_only: expected true or false, got '" + value + "'");
    }
    q.cpu_only = value != "false";
    return Status::Ok();
  }
  if (!OfferQueryParamHelp().count(name)) {
    return Status::InvalidArgument("unknown parameter '" + name + "'");
  }
  SKY_ASSIGN_OR_RETURN(double v, ParseNumber(name, value));
  return ApplyNumber(name, v, q);
}

}  // namespace

const std::map<std::string, std::string>& OfferQueryParamHelp() {
  static const auto* help = new std::map<std::string, std::string>{
      {"gpu", "accelerator and count: H100, H100:8 (exactly 8), H100:8+ (at least 8)"},
      {"market", "on_demand, spot or reserved"},
      {"provider", "comma-separated providers: aws,gcp"},
      {"region", "region glob (us-*); with a colon it matches provider:region (gcp:us-*)"},
      {"max_price", "maximum $ per hour"},
      {"max_price_per_gpu", "maximum $ per accelerator-hour"},
      {"min_gpu_memory", "minimum GB per accelerator"},
      {"min_vcpus", "minimum vCPUs"},
      {"min_memory", "minimum memory GB"},
      {"cpu_only", "only offers without accelerators"},
      {"sort", "price (default), gpu_price or gpu_memory"},
      {"group_by", "provider, region or accelerator: the best offer of each"},
      {"limit", "at most this many offers"},
      {"offset", "skip this many offers"},
      {"cursor", "continue after the page that returned this next_cursor"},
  };
  return *help;
}

Result<OfferQuery> BuildOfferQuery(const std::map<std::string, std::string>& params) {
  OfferQuery q;
  for (const auto& [raw_name, value] : params) {
    std::string name = raw_name;
    for (char& c : name) c = c == '-' ? '_' : c;
    if (name == "cursor") {
      SKY_ASSIGN_OR_RETURN(q.after, DecodeOfferCursor(value, params));
      continue;
    }
    SKY_RETURN_IF_ERROR(ApplyParam(name, value, q));
  }
  return q;
}

namespace {

// One end of a history range; a bare date stands for its first (or last) second.
Result<std::string> HistoryBound(const std::map<std::string, std::string>& params,
                                 const std::string& name, bool end_of_day) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::string();
  std::string text = it->second;
  if (text.size() == 10) text += end_of_day ? "T23:59:59Z" : "T00:00:00Z";
  std::optional<std::string> normal = catalog::NormalizeIsoTime(text);
  if (!normal) {
    return Status::InvalidArgument(name + ": expected an ISO 8601 time such as " +
                                   "2024-05-01T00:00:00Z or a date such as 2024-05-01, got '" +
                                   it->second + "'");
  }
  return *normal;
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseHistoryRange(
    const std::map<std::string, std::string>& params) {
  SKY_ASSIGN_OR_RETURN(std::string from, HistoryBound(params, "from", false));
  SKY_ASSIGN_OR_RETURN(std::string to, HistoryBound(params, "to", true));
  if (!from.empty() && !to.empty() && from > to) {
    return Status::InvalidArgument("from: " + from + " is after to (" + to + ")");
  }
  return std::make_pair(from, to);
}

}  // namespace sky::api
