#include "providers/aws/ec2_query.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sky::providers::aws {
namespace {

// Reads exactly `n` digits at `pos`.
bool ReadDigits(std::string_view text, size_t& pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool ValidDateTime(int mo, int d, int h, int mi, int s) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

// "Tue, 29 Apr 2014 18:30:38 GMT".
bool ParseRfc822(std::string_view text, double& out) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t pos = 5;
  int d = 0, y = 0, h = 0, mi = 0, s = 0;
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ') return false;
  if (!ReadDigits(text, pos, 2, d) || !Expect(text, pos, ' ')) return false;
  size_t month = kMonths.find(text.substr(pos, 3));
  if (month == std::string_view::npos || month % 3 != 0) return false;
  pos += 3;
  if (!Expect(text, pos, ' ') || !ReadDigits(text, pos, 4, y) || !Expect(text, pos, ' ') ||
      !ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, mi) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, s) || text.substr(pos) != " GMT") {
    return false;
  }
  int mo = static_cast<int>(month / 3) + 1;
  if (!ValidDateTime(mo, d, h, mi, s)) return false;
  out = static_cast<double>(UnixSecondsFromCivil(CivilTime{y, mo, d, h, mi, s}));
  return true;
}

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
  if (ParseRfc822(text, out) || ParseEpoch(text, out)) return out;
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
