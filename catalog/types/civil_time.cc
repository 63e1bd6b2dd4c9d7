#include "sky/types/civil_time.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sky {
namespace {

// Reads exactly `n` digits at text[pos]; advances pos past them.
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

bool ExpectEither(std::string_view text, size_t& pos, char upper, bool lower_too) {
  const bool lower = lower_too && pos < text.size() && text[pos] == upper - 'A' + 'a';
  if (lower) ++pos;
  return lower || Expect(text, pos, upper);
}

// "YYYY-MM-DD" + separator + "HH:MM:SS".
bool ReadDateTime(std::string_view text, size_t& pos, const IsoTimeSyntax& syntax, CivilTime& t) {
  int year = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, t.month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, t.day)) {
    return false;
  }
  t.year = year;
  const bool space = syntax.allow_space_separator && pos < text.size() && text[pos] == ' ';
  if (space) {
    ++pos;
  } else if (!ExpectEither(text, pos, 'T', syntax.allow_lowercase)) {
    return false;
  }
  return ReadDigits(text, pos, 2, t.hour) && Expect(text, pos, ':') &&
         ReadDigits(text, pos, 2, t.minute) && Expect(text, pos, ':') &&
         ReadDigits(text, pos, 2, t.second);
}

// ".ddd" when present: at least one digit.
bool ReadFraction(std::string_view text, size_t& pos, double& fraction) {
  if (pos >= text.size() || text[pos] != '.') return true;
  const size_t start = pos++;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos == start + 1) return false;
  fraction = std::strtod(("0" + std::string(text.substr(start, pos - start))).c_str(), nullptr);
  return true;
}

// "Z" or "+hh:mm" / "-hh:mm" ending the text, as seconds east of UTC.
bool ReadOffset(std::string_view text, size_t& pos, const IsoTimeSyntax& syntax, int64_t& offset) {
  if (ExpectEither(text, pos, 'Z', syntax.allow_lowercase)) {
    offset = 0;
    return pos == text.size();
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  const int sign = text[pos++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!ReadDigits(text, pos, 2, hh)) return false;
  if (!Expect(text, pos, ':') && !syntax.allow_offset_without_colon) return false;
  if (!ReadDigits(text, pos, 2, mm) || pos != text.size() || hh > 23 || mm > 59) return false;
  offset = sign * (hh * 3600 + mm * 60);
  return true;
}

bool InRange(const CivilTime& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour <= 23 &&
         t.minute <= 59 && t.second <= 60;
}

}  // namespace

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime CivilFromUnixSeconds(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2);
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  return t;
}

int64_t UnixSecondsFromCivil(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

std::string FormatIsoUtc(int64_t unix_seconds) {
  const CivilTime t = CivilFromUnixSeconds(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<long long>(t.year), t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

std::string FormatIsoUtcBasic(int64_t unix_seconds) {
  const CivilTime t = CivilFromUnixSeconds(unix_seconds);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld%02d%02dT%02d%02d%02dZ", static_cast<long long>(t.year),
                t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

std::optional<ParsedIsoTime> ParseIsoTime(std::string_view text, const IsoTimeSyntax& syntax) {
  size_t pos = 0;
  CivilTime t;
  ParsedIsoTime out;
  int64_t offset = 0;
  if (!ReadDateTime(text, pos, syntax, t) || !ReadFraction(text, pos, out.fraction) ||
      !ReadOffset(text, pos, syntax, offset) || !InRange(t)) {
    return std::nullopt;
  }
  out.unix_seconds = UnixSecondsFromCivil(t) - offset;
  return out;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ') return std::nullopt;
  size_t pos = 5;
  CivilTime t;
  int year = 0;
  if (!ReadDigits(text, pos, 2, t.day) || !Expect(text, pos, ' ')) return std::nullopt;
  const size_t month = kMonths.find(text.substr(pos, 3));
  if (month == std::string_view::npos || month % 3 != 0) return std::nullopt;
  pos += 3;
  t.month = static_cast<int>(month / 3) + 1;
  if (!Expect(text, pos, ' ') || !ReadDigits(text, pos, 4, year) || !Expect(text, pos, ' ') ||
      !ReadDigits(text, pos, 2, t.hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, t.minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, t.second) || text.substr(pos) != " GMT") {
    return std::nullopt;
  }
  t.year = year;
  if (!InRange(t)) return std::nullopt;
  return UnixSecondsFromCivil(t);
}

}  // namespace sky
