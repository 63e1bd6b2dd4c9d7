#include "planner/spec_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

#include "planner/accelerator_names.h"

namespace sky::planner::internal {
namespace {

std::string FormatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string TypeNameOf(Json::value_t type) {
  switch (type) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

bool IsPlainName(const std::string& part) {
  if (part.empty()) return false;
  for (char c : part) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/') return false;
  }
  return true;
}

}  // namespace

std::string KeyPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string IndexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string JsonTypeName(const Json& value) { return TypeNameOf(value.type()); }

void SpecReader::Add(const std::string& path, std::string message) {
  issues_.push_back({path.empty() ? "spec" : path, std::move(message)});
}

bool SpecReader::ExpectType(const Json& value, Json::value_t type, const std::string& path) {
  bool ok = type == Json::value_t::number_float ? value.is_number() : value.type() == type;
  if (!ok) {
    std::string article =
        type == Json::value_t::array || type == Json::value_t::object ? "an " : "a ";
    Add(path, "expected " + article + TypeNameOf(type) + ", got " + JsonTypeName(value));
  }
  return ok;
}

void SpecReader::CheckKeys(const Json& object, const std::string& path,
                           std::initializer_list<const char*> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& item : object.items()) {
    if (std::find(names.begin(), names.end(), item.key()) != names.end()) continue;
    std::string hint = DidYouMean(NearestNames(item.key(), names, 1));
    Add(KeyPath(path, item.key()), "unknown key" + (hint.empty() ? "" : ", " + hint));
  }
}

std::optional<double> SpecReader::Number(const Json& object, const std::string& key,
                                         const std::string& parent, bool required) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) Add(KeyPath(parent, key), "required");
    return std::nullopt;
  }
  if (!ExpectType(*it, Json::value_t::number_float, KeyPath(parent, key))) return std::nullopt;
  if (!std::isfinite(it->get<double>())) {
    Add(KeyPath(parent, key), "expected a finite number");
    return std::nullopt;
  }
  return it->get<double>();
}

std::optional<std::string> SpecReader::String(const Json& object, const std::string& key,
                                              const std::string& parent, bool required) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) Add(KeyPath(parent, key), "required");
    return std::nullopt;
  }
  if (!ExpectType(*it, Json::value_t::string, KeyPath(parent, key))) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int> SpecReader::Count(const Json& value, const std::string& path) {
  if (!ExpectType(value, Json::value_t::number_float, path)) return std::nullopt;
  double number = value.get<double>();
  if (number != std::floor(number) || number < 1 || number > 1e6) {
    Add(path, "expected a positive whole number, got " + FormatNumber(number));
    return std::nullopt;
  }
  return static_cast<int>(number);
}

std::vector<std::string> SpecReader::StringList(const Json& object, const std::string& key,
                                                const std::string& parent) {
  std::vector<std::string> out;
  auto it = object.find(key);
  const std::string path = KeyPath(parent, key);
  if (it == object.end() || !ExpectType(*it, Json::value_t::array, path)) return out;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!ExpectType(item, Json::value_t::string, IndexPath(path, i))) continue;
    if (item.get<std::string>().empty()) {
      Add(IndexPath(path, i), "must not be empty");
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

void SpecReader::CheckPositive(const std::optional<double>& value, const std::string& path) {
  if (value && !(*value > 0)) Add(path, "must be positive, got " + FormatNumber(*value));
}

void SpecReader::CheckNonNegative(const std::optional<double>& value, const std::string& path) {
  if (value && *value < 0) Add(path, "must not be negative, got " + FormatNumber(*value));
}

bool SpecReader::CheckLocation(const std::string& location, const std::string& path,
                               bool allow_zone) {
  std::vector<std::string> parts(1);
  for (char c : location) {
    if (c == ':') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  bool ok = parts.size() == 2 || (allow_zone && parts.size() == 3);
  for (const std::string& part : parts) ok = ok && IsPlainName(part);
  if (!ok) {
    Add(path, "\"" + location + "\" is not a provider:region location" +
                  (allow_zone ? " (or provider:region:zone)" : ""));
  }
  return ok;
}

}  // namespace sky::planner::internal
