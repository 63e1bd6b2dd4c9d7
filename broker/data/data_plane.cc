// StorageMap and the data layout (sky/broker/data_plane.h).
#include "sky/broker/data_plane.h"

#include <nlohmann/json.hpp>

#include "sky/types/glob.h"
#include "sky/types/object_uri.h"

namespace sky::broker {
namespace {

constexpr std::string_view kRclonePrefix = "RCLONE_CONFIG_";

// Characters of a glob that are not wildcards: "aws:us-east-1" beats "aws:*" beats "*".
size_t Specificity(std::string_view glob) {
  size_t count = 0;
  for (char c : glob) count += (c != '*' && c != '?') ? 1 : 0;
  return count;
}

// "provider:region" of "provider:region:zone" (the location itself when it has no zone).
std::string_view RegionPart(std::string_view location) {
  const size_t first = location.find(':');
  if (first == std::string_view::npos) return location;
  const size_t second = location.find(':', first + 1);
  return second == std::string_view::npos ? location : location.substr(0, second);
}

Status CheckPrefix(const std::string& key, const std::string& prefix) {
  auto uri = ParseObjectUri(prefix);
  const std::string where = "storage.\"" + key + "\": ";
  if (!uri.ok()) return Status::InvalidArgument(where + uri.status().message());
  if (uri->scheme == UriScheme::kHttps) {
    return Status::InvalidArgument(where + "https:// is read-only and cannot hold outputs; use " +
                                   "s3://, gs://, az:// or file://");
  }
  return Status::Ok();
}

}  // namespace

Result<StorageMap> StorageMap::Parse(std::string_view json_text) {
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("storage: not valid JSON");
  if (!j.is_object() || j.empty()) {
    return Status::InvalidArgument(
        "storage: must be a non-empty JSON object from place globs to prefixes, e.g. "
        "{\"local:*\": \"file:///var/lib/skybroker/objects\"}");
  }
  StorageMap map;
  for (const auto& item : j.items()) {
    if (item.key().empty()) return Status::InvalidArgument("storage: a place glob is empty");
    if (!item.value().is_string()) {
      return Status::InvalidArgument("storage.\"" + item.key() + "\": must be a URI string");
    }
    std::string prefix = item.value().get<std::string>();
    while (prefix.size() > 1 && prefix.back() == '/' && prefix.find("://") + 3 < prefix.size()) {
      prefix.pop_back();
    }
    SKY_RETURN_IF_ERROR(CheckPrefix(item.key(), prefix));
    map.routes_.emplace_back(item.key(), std::move(prefix));
  }
  return map;
}

StorageMap StorageMap::LocalDirectory(const std::string& dir) {
  StorageMap map;
  map.routes_.emplace_back("*", "file://" + dir);
  return map;
}

std::optional<std::string> StorageMap::PrefixFor(std::string_view location) const {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& route : routes_) {
    const bool exact = route.first == location;
    if (!exact && !GlobMatch(route.first, location) &&
        !GlobMatch(route.first, RegionPart(location))) {
      continue;
    }
    if (exact) return route.second;
    if (!best || Specificity(route.first) > Specificity(best->first)) best = &route;
  }
  if (!best) return std::nullopt;
  return best->second;
}

std::vector<std::string> StorageMap::Uncovered(const std::vector<std::string>& locations) const {
  std::vector<std::string> out;
  for (const std::string& location : locations) {
    if (PrefixFor(location)) continue;
    bool seen = false;
    for (const std::string& o : out) seen = seen || o == location;
    if (!seen) out.push_back(location);
  }
  return out;
}

std::string StageDataUri(std::string_view prefix, std::string_view pipeline,
                         std::string_view stage) {
  return JoinUri(JoinUri(prefix, pipeline), stage);
}

std::string AttemptOutputUri(std::string_view prefix, std::string_view pipeline,
                             std::string_view stage, int64_t attempt) {
  return JoinUri(StageDataUri(prefix, pipeline, stage),
                 "attempt-" + std::to_string(attempt) + "/output");
}

std::string AttemptCheckpointsUri(std::string_view prefix, std::string_view pipeline,
                                  std::string_view stage, int64_t attempt) {
  return JoinUri(StageDataUri(prefix, pipeline, stage),
                 "attempt-" + std::to_string(attempt) + "/checkpoint");
}

std::string DeliveryUri(std::string_view prefix, std::string_view pipeline,
                        std::string_view stage) {
  return StageDataUri(JoinUri(prefix, "delivered"), pipeline, stage);
}

std::map<std::string, std::string> RcloneEnvFrom(const std::vector<std::string>& environment) {
  std::map<std::string, std::string> env;
  for (const std::string& entry : environment) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || entry.compare(0, kRclonePrefix.size(), kRclonePrefix) != 0) {
      continue;
    }
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace sky::broker
