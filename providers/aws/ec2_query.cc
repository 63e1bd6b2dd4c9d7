#include "providers/aws/ec2_query.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace sky::providers::aws {
namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), so that
// no timegm/TZ state is involved.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

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

// The fraction and zone after "YYYY-MM-DDTHH:MM:SS".
bool ParseIsoTail(std::string_view text, size_t pos, double& seconds) {
  if (pos < text.size() && text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return false;
    seconds += std::strtod(std::string("0." + std::string(text.substr(start, pos - start))).c_str(),
                           nullptr);
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) return pos + 1 == text.size();
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  int sign = text[pos++] == '+' ? 1 : -1;
  int oh = 0, om = 0;
  if (!ReadDigits(text, pos, 2, oh) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, om)) {
    return false;
  }
  seconds -= sign * (oh * 3600 + om * 60);
  return pos == text.size() && oh <= 23 && om <= 59;
}

bool ParseIso8601(std::string_view text, double& out) {
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!ReadDigits(text, pos, 4, y) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, mo) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, d) || pos >= text.size() ||
      (text[pos] != 'T' && text[pos] != 't') || !ReadDigits(text, ++pos, 2, h) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, mi) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, s) || !ValidDateTime(mo, d, h, mi, s)) {
    return false;
  }
  out = static_cast<double>(DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
  return ParseIsoTail(text, pos, out);
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
  out = static_cast<double>(DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
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

std::string AwsPercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const QueryParams& params) {
  std::string body = "Action=" + AwsPercentEncode(action) + "&Version=" + AwsPercentEncode(version);
  for (const auto& [name, value] : params) {
    body += '&';
    body += AwsPercentEncode(name);
    body += '=';
    body += AwsPercentEncode(value);
  }
  return body;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Alphabet[(n >> shift) & 0x3F];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(n >> 18) & 0x3F];
    out += kBase64Alphabet[(n >> 12) & 0x3F];
    out += rest == 2 ? kBase64Alphabet[(n >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0 || padding > 0) return Status::InvalidArgument("invalid base64 text");
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (padding > 2 || bits >= 6) return Status::InvalidArgument("invalid base64 length");
  return out;
}

std::string FormatIso8601(int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

Result<double> ParseAwsTimestamp(std::string_view text) {
  double out = 0;
  if (ParseIso8601(text, out) || ParseRfc822(text, out) || ParseEpoch(text, out)) return out;
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
