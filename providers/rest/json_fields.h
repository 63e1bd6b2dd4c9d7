#pragma once
// Lookups into parsed JSON responses that never throw: a missing or mistyped member reads as
// empty (nullptr, "", 0 or the fallback). Shared by the JSON REST adapters (Lambda, RunPod),
// whose response shapes are optional-heavy. Pure functions; thread-safe. Internal header:
// includes nlohmann, so only *_json.cc files include it.

#include <nlohmann/json.hpp>
#include <string>

namespace sky::providers::rest {

// The member `key` of `object`, or nullptr when `object` is not an object or has no such key.
const nlohmann::json* Member(const nlohmann::json& object, const char* key);

// The string member `key`, or "" when it is absent or not a string.
std::string String(const nlohmann::json& object, const char* key);

// The number member `key`, or 0 when it is absent or not a number.
double Number(const nlohmann::json& object, const char* key);

// The boolean member `key`, or `fallback` when it is absent or not a boolean.
bool Bool(const nlohmann::json& object, const char* key, bool fallback);

}  // namespace sky::providers::rest
