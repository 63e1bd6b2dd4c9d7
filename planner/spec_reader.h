#pragma once
// SpecReader: type-checked reads of a nlohmann::json document that record every problem as a
// SpecIssue with its JSON path ("stages[1].runtime_hours") instead of failing on the first.
// Internal to sky_planner (nlohmann never appears in public headers). Not thread-safe: one
// reader per parse.

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sky/planner/spec.h"

namespace sky::planner::internal {

using Json = nlohmann::json;

// "parent.key" (or "key" at the root) and "parent[i]".
std::string KeyPath(const std::string& parent, const std::string& key);
std::string IndexPath(const std::string& parent, size_t index);

// "null", "boolean", "number", "string", "array" or "object".
std::string JsonTypeName(const Json& value);

class SpecReader {
 public:
  void Add(const std::string& path, std::string message);
  const std::vector<SpecIssue>& issues() const { return issues_; }
  std::vector<SpecIssue> TakeIssues() { return std::move(issues_); }

  // True when `value` has `type`; otherwise records "expected a <type>, got <actual>".
  bool ExpectType(const Json& value, Json::value_t type, const std::string& path);
  // Records every key of `object` not in `allowed`, suggesting the nearest allowed key.
  void CheckKeys(const Json& object, const std::string& path,
                 std::initializer_list<const char*> allowed);

  // Field readers: nullopt when the key is absent (and `required` is false) or has the wrong
  // type (recorded). A required absent key is recorded as "required".
  std::optional<double> Number(const Json& object, const std::string& key,
                               const std::string& parent, bool required = false);
  std::optional<std::string> String(const Json& object, const std::string& key,
                                    const std::string& parent, bool required = false);
  // A positive whole number (counts).
  std::optional<int> Count(const Json& value, const std::string& path);
  // An array of strings; wrong elements are recorded and skipped.
  std::vector<std::string> StringList(const Json& object, const std::string& key,
                                      const std::string& parent);

  // Range checks on an already-read number; record "must be positive, got -1" etc.
  void CheckPositive(const std::optional<double>& value, const std::string& path);
  void CheckNonNegative(const std::optional<double>& value, const std::string& path);
  // A "provider:region" (or "provider:region:zone" when `allow_zone`) location id.
  bool CheckLocation(const std::string& location, const std::string& path, bool allow_zone);

 private:
  std::vector<SpecIssue> issues_;
};

}  // namespace sky::planner::internal
