#include "api/handlers/offer_cursor.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "sky/types/base64.h"

namespace sky::api {
namespace {

constexpr char kVersion[] = "1";

// FNV-1a over the query's parameters in name order, names spelled with '_': a cursor from one
// query is refused by another, whose order it does not describe.
std::string Fingerprint(const std::map<std::string, std::string>& params) {
  std::map<std::string, std::string> named;
  for (const auto& [raw, value] : params) {
    std::string name = raw;
    for (char& c : name) c = c == '-' ? '_' : c;
    if (name != "cursor" && name != "limit" && name != "offset") named[name] = value;
  }
  uint64_t hash = 14695981039346656037ull;
  for (const auto& [name, value] : named) {
    for (char c : name + '=' + value + '&') {
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, hash);
  return hex;
}

std::string Exact(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

bool ParseDouble(const std::string& text, double& v) {
  char* end = nullptr;
  errno = 0;
  v = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && errno == 0;
}

Status Malformed() { return Status::InvalidArgument("cursor: not a cursor of /v1/offers"); }

}  // namespace

std::string EncodeOfferCursor(const Offer& last, const std::map<std::string, std::string>& params) {
  // Base64url without padding: the token travels in query strings unescaped.
  return Base64UrlEncode(std::string(kVersion) + "\n" + Fingerprint(params) + "\n" +
                         Exact(last.price_per_hour) + "\n" +
                         std::to_string(last.accelerator_count) + "\n" +
                         Exact(last.accelerator_memory_gb) + "\n" + last.id);
}

Result<catalog::OfferPosition> DecodeOfferCursor(const std::string& token,
                                                 const std::map<std::string, std::string>& params) {
  if (token.empty()) return Malformed();
  const Result<std::string> decoded = Base64UrlDecode(token);
  if (!decoded.ok()) return Malformed();
  const std::string& text = *decoded;
  std::vector<std::string> fields;
  std::stringstream in(text);
  for (std::string field; fields.size() < 5 && std::getline(in, field, '\n');) {
    fields.push_back(field);
  }
  std::string id;
  std::getline(in, id, '\0');  // the rest: an id is never split
  if (fields.size() != 5 || fields[0] != kVersion || id.empty()) return Malformed();
  if (fields[1] != Fingerprint(params)) {
    return Status::InvalidArgument(
        "cursor: it belongs to another query (filters, sort and group_by must stay the same)");
  }
  catalog::OfferPosition position;
  double count = 0;
  if (!ParseDouble(fields[2], position.price_per_hour) || !ParseDouble(fields[3], count) ||
      !ParseDouble(fields[4], position.accelerator_memory_gb) || count < 0 || count > 1e6) {
    return Malformed();
  }
  position.accelerator_count = static_cast<int>(count);
  position.id = id;
  return position;
}

}  // namespace sky::api
