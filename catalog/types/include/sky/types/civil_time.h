#pragma once
// Civil (calendar) time in UTC without the C library's time zone state (no timegm, gmtime_r
// or TZ): days from a proleptic Gregorian date and back (Howard Hinnant's algorithms), ISO 8601
// formatting, and an RFC 3339 parser whose accepted variants are chosen by the caller.
// Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sky {

// A UTC date and time. Fields are not range-checked by the conversions below: a day 32 or a
// month 13 carries into the next month or year, as timegm does.
struct CivilTime {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;  // 60 for a leap second (counted as the next minute's 0)
};

// Days since 1970-01-01 of a proleptic Gregorian date (negative before it).
int64_t DaysFromCivil(int64_t year, int month, int day);

// The date and time of `unix_seconds` (seconds since 1970-01-01T00:00:00Z; negative before).
CivilTime CivilFromUnixSeconds(int64_t unix_seconds);
// Seconds since the Unix epoch of a UTC date and time.
int64_t UnixSecondsFromCivil(const CivilTime& time);

// "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601 extended, RFC 3339) for seconds since the Unix epoch.
std::string FormatIsoUtc(int64_t unix_seconds);
// "YYYYMMDDTHHMMSSZ" (ISO 8601 basic, as SigV4's X-Amz-Date).
std::string FormatIsoUtcBasic(int64_t unix_seconds);

// Variants of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)" that ParseIsoTime accepts
// besides that form. The defaults are RFC 3339 section 5.6.
struct IsoTimeSyntax {
  // A space instead of the 'T' ("2024-01-02 03:04:05Z", as some CSV files write). Default: no.
  bool allow_space_separator = false;
  // Lower-case 't' and 'z', which RFC 3339 allows. Default: yes.
  bool allow_lowercase = true;
  // An offset without its colon ("+0530"). Default: no.
  bool allow_offset_without_colon = false;
};

struct ParsedIsoTime {
  int64_t unix_seconds = 0;  // the whole seconds, already moved to UTC
  double fraction = 0;       // [0, 1): the digits after the seconds' '.'
  double seconds() const { return static_cast<double>(unix_seconds) + fraction; }
};

// Parses an ISO 8601 / RFC 3339 date-time with a 'Z' or numeric offset. nullopt when the text
// is not one (nothing may follow the offset), or when a field is out of range (month 1-12,
// day 1-31, hour 0-23, minute 0-59, second 0-60, offset hours 0-23 and minutes 0-59).
std::optional<ParsedIsoTime> ParseIsoTime(std::string_view text, const IsoTimeSyntax& syntax = {});

// Seconds since the Unix epoch of an HTTP date in IMF-fixdate form (RFC 9110 section 5.6.7,
// "Tue, 29 Apr 2014 18:30:38 GMT"); nullopt for anything else or an impossible date.
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace sky
