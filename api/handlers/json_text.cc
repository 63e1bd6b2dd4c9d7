#include "api/handlers/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace sky::api {

namespace {

bool NeedsEscape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

void AppendEscaped(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default: {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    }
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  // Runs of plain characters go in one append: escapes are rare in catalog text.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!NeedsEscape(text[i])) continue;
    out.append(text.data() + run, i - run);
    AppendEscaped(out, text[i]);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

void AppendJsonNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";  // what nlohmann's dump() writes for NaN and infinities
    return;
  }
  // Fixed notation where dump() uses it (1e-4 <= |v| < 1e15, and 0), else scientific.
  const double magnitude = std::fabs(value);
  const bool fixed = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
  char text[64];
  const auto result =
      std::to_chars(text, text + sizeof text, value,
                    fixed ? std::chars_format::fixed : std::chars_format::scientific);
  const std::string_view written(text, static_cast<size_t>(result.ptr - text));
  out += written;
  // dump() marks a whole double as a double: 40.0, not 40.
  if (written.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void AppendJsonInt(std::string& out, int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, static_cast<size_t>(result.ptr - text));
}

std::string& JsonObject::Key(std::string_view name) {
  out_ += first_ ? "\"" : ",\"";
  first_ = false;
  out_ += name;  // a literal that needs no escaping (see the header)
  out_ += "\":";
  return out_;
}

}  // namespace sky::api
