#include "providers/aws/ec2_query.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sky::providers::aws {
namespace {

bool ParseEpoch(std::string_view text, double& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  std::string copy(text);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

}  // namespace

std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const QueryParams& params) {
  std::string body = "Action=" + PercentEncode(action) + "&Version=" + PercentEncode(version);
  for (const auto& [name, value] : params) {
    body += '&';
    body += PercentEncode(name);
    body += '=';
    body += PercentEncode(value);
  }
  return body;
}

Result<double> ParseAwsTimestamp(std::string_view text) {
  if (const std::optional<ParsedIsoTime> iso = ParseIsoTime(text)) return iso->seconds();
  double out = 0;
  if (const std::optional<int64_t> date = ParseHttpDate(text)) return static_cast<double>(*date);
  if (ParseEpoch(text, out)) return out;
  return Status::InvalidArgument("not a timestamp: '" + std::string(text) + "'");
}

std::string FormatAwsDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[40];
  // Whole numbers print without an exponent, as the SDKs do ("1422172800", not "1.42e+09").
  if (value == std::floor(value) && std::fabs(value) < 1e17) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

void AddQueryList(QueryParams& params, std::string_view prefix,
                  const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(std::string(prefix) + "." + std::to_string(i + 1), values[i]);
  }
}

void AddQueryFilter(QueryParams& params, int index, std::string_view name,
                    const std::vector<std::string>& values) {
  std::string prefix = "Filter." + std::to_string(index);
  params.emplace_back(prefix + ".Name", std::string(name));
  AddQueryList(params, prefix + ".Value", values);
}

void AddQueryTags(QueryParams& params, std::string_view prefix,
                  const std::map<std::string, std::string>& tags) {
  int n = 0;
  for (const auto& [key, value] : tags) {
    std::string item = std::string(prefix) + "." + std::to_string(++n);
    params.emplace_back(item + ".Key", key);
    params.emplace_back(item + ".Value", value);
  }
}

}  // namespace sky::providers::aws
