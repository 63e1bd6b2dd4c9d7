#include "providers/rest/json_fields.h"

namespace sky::providers::rest {

using nlohmann::json;

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string String(const json& object, const char* key) {
  const json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

double Number(const json& object, const char* key) {
  const json* value = Member(object, key);
  return value != nullptr && value->is_number() ? value->get<double>() : 0.0;
}

bool Bool(const json& object, const char* key, bool fallback) {
  const json* value = Member(object, key);
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

}  // namespace sky::providers::rest
