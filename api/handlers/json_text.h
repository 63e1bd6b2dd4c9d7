#pragma once
// JSON written as text directly, for hot responses where building an nlohmann::json tree first
// costs several times the text itself (GET /v1/offers renders 20 offers thousands of times a
// second). The output is what nlohmann's dump() writes: strings escaped the same way (bytes
// >= 0x80 pass through unchanged; dump() would throw on invalid UTF-8), doubles in shortest
// round-trip form, fixed or scientific where dump() is, with ".0" on whole numbers (the digits
// may differ from dump()'s in rare cases, never the value), non-finite doubles as null. Pure
// functions: thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace sky::api {

// Appends `text` as a quoted JSON string.
void AppendJsonString(std::string& out, std::string_view text);
// Appends `value`: "9.12", "40.0", "1e-05"; "null" for NaN and infinities.
void AppendJsonNumber(std::string& out, double value);
void AppendJsonInt(std::string& out, int64_t value);

// Writes the members of one object: `JsonObject o(out); o.Key("id"); AppendJsonString(...)`.
// Emits '{' on construction and '}' on Close(); Key() puts the comma between members.
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_ += '{'; }
  // Appends the member name, as is: a literal that needs no JSON escaping ("price_per_hour").
  // The caller appends its value next, to the returned string.
  std::string& Key(std::string_view name);
  void Close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace sky::api
