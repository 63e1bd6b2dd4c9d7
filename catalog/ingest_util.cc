#include "catalog/ingest_util.h"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace sky::catalog {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads exactly `n` digits at text[pos]; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
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

// Parses the "+hh:mm" / "-hh:mm" / "Z" suffix into seconds east of UTC.
bool ReadOffset(std::string_view text, size_t& pos, int64_t& offset) {
  if (pos < text.size() && text[pos] == 'Z' && pos + 1 == text.size()) {
    offset = 0;
    return true;
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  const int sign = text[pos++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!ReadDigits(text, pos, 2, hh)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!ReadDigits(text, pos, 2, mm) || pos != text.size()) return false;
  offset = sign * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

Status RejectRow(const ReadContext& ctx, int64_t line, std::string_view field,
                 const std::string& reason, IngestBatch& batch) {
  if (ctx.skip_bad_rows) {
    batch.rejected.push_back(RejectedRow{ctx.path, line, std::string(field), reason});
    return Status::Ok();
  }
  std::string msg = ctx.path;
  if (line > 0) msg += ":" + std::to_string(line);
  msg += ": ";
  msg += field;
  msg += ": " + reason;
  return Status::InvalidArgument(std::move(msg));
}

Status FileError(const ReadContext& ctx, int64_t line, const std::string& what) {
  std::string msg = ctx.path;
  if (line > 0) msg += ":" + std::to_string(line);
  return Status::InvalidArgument(msg + ": " + what);
}

std::string_view TrimAscii(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> ParseNumber(std::string_view text) {
  text = TrimAscii(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::NotFound(path + ": cannot read file");
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0, std::ios::beg);
  in.read(data.data(), size);
  if (!in) return Status::NotFound(path + ": cannot read file");
  return data;
}

std::string FormatIsoUtc(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  // Inverse of DaysFromCivil (Hinnant's civil_from_days).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

std::optional<std::string> NormalizeIsoTime(std::string_view text) {
  text = TrimAscii(text);
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!ReadDigits(text, pos, 4, y) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, mo) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, d)) {
    return std::nullopt;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, mi) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, s)) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  int64_t offset = 0;
  if (!ReadOffset(text, pos, offset)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const int64_t t = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  return FormatIsoUtc(t);
}

std::string FileMtimeIso(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return FormatIsoUtc(static_cast<int64_t>(st.st_mtime));
}

bool OfferSink::Add(Offer offer) {
  const auto [it, inserted] = index_.emplace(offer.id, batch_.offers.size());
  if (inserted) {
    batch_.offers.push_back(std::move(offer));
    return true;
  }
  Offer& kept = batch_.offers[it->second];
  if (offer.price_per_hour < kept.price_per_hour) kept = std::move(offer);
  return false;
}

}  // namespace sky::catalog
