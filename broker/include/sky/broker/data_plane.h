#pragma once
// The data plane's configuration (README "Data"): which object-storage prefix holds the data of
// a stage that runs in a place, the layout under it, and the storage credentials the broker
// hands to instances. Value types; safe to share read-only between threads.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sky/types/result.h"

namespace sky::broker {

// Place globs to storage prefixes: `{"aws:us-east-1": "s3://team-use1/skybroker", "gcp:*":
// "gs://team/skybroker", "local:*": "file:///var/lib/skybroker/objects"}`. A place
// ("provider:region[:zone]") takes the route of its exact entry, else of the most specific
// matching glob (the one with the most characters that are not wildcards; ties: the first in
// the file). A glob matches the whole location or its "provider:region".
class StorageMap {
 public:
  StorageMap() = default;

  // Parses the JSON object above. InvalidArgument naming the key (`storage."gcp:*"`) for a
  // value that is not a string, a prefix that is not an object URI (sky/types/object_uri.h),
  // an https prefix (read-only: it cannot hold outputs), or an empty key; InvalidArgument for
  // text that is not a JSON object. Never throws.
  static Result<StorageMap> Parse(std::string_view json_text);
  // The embedded default: every place stores under `file://<dir>` (`dir` absolute).
  static StorageMap LocalDirectory(const std::string& dir);

  // The prefix (URI text, no trailing '/') for a place; nullopt when no route matches.
  std::optional<std::string> PrefixFor(std::string_view location) const;
  // The places of `locations` without a route, each once, in the order given.
  std::vector<std::string> Uncovered(const std::vector<std::string>& locations) const;

  bool empty() const { return routes_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& routes() const { return routes_; }

 private:
  std::vector<std::pair<std::string, std::string>> routes_;  // glob -> prefix, file order
};

// Where a stage attempt's data lives under a prefix:
// `<prefix>/<pipeline>/<stage>/attempt-<n>/{output,checkpoint/<seq>}`.
std::string StageDataUri(std::string_view prefix, std::string_view pipeline,
                         std::string_view stage);
std::string AttemptOutputUri(std::string_view prefix, std::string_view pipeline,
                             std::string_view stage, int64_t attempt);
std::string AttemptCheckpointsUri(std::string_view prefix, std::string_view pipeline,
                                  std::string_view stage, int64_t attempt);
// Where the broker delivers a stage's outputs for `outputs`: `<prefix>/delivered/<pipeline>/
// <stage>` of the delivery place's storage.
std::string DeliveryUri(std::string_view prefix, std::string_view pipeline, std::string_view stage);

// What the executor needs to run the data plane. Default (empty storage): no data plane:
// scripts run the command alone, as for the simulated cloud.
struct DataPlaneOptions {
  StorageMap storage;
  // The broker's storage credentials: every RCLONE_CONFIG_* variable of its environment
  // (remotes named after URI schemes: `s3`, `gs`, `az`). Secret: handed only to an instance
  // that presents its attempt's token, never stored, logged or shown.
  std::map<std::string, std::string> rclone_env;
  // The rclone program the broker runs for deliveries and clean-up. Default: "rclone" on PATH.
  std::string rclone = "rclone";
};

// The broker's RCLONE_CONFIG_* variables from `environ`-style "NAME=value" entries.
std::map<std::string, std::string> RcloneEnvFrom(const std::vector<std::string>& environment);

}  // namespace sky::broker
