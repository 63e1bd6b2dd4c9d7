#include "sky/catalog/iso_time.h"

#include "catalog/ingest_util.h"
#include "sky/types/civil_time.h"

namespace sky::catalog {

std::optional<std::string> NormalizeIsoTime(std::string_view text) {
  IsoTimeSyntax syntax;  // catalog files: "T" or a space, an upper-case 'Z', "+hh[:]mm"
  syntax.allow_space_separator = true;
  syntax.allow_lowercase = false;
  syntax.allow_offset_without_colon = true;
  const std::optional<ParsedIsoTime> time = ParseIsoTime(TrimAscii(text), syntax);
  if (!time) return std::nullopt;
  return FormatIsoUtc(time->unix_seconds);  // the fraction dropped
}

}  // namespace sky::catalog
