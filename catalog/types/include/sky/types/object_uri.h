#pragma once
// Object URIs of the data plane (pipeline inputs, storage prefixes, output deliveries) and
// their rclone paths. Accepted forms:
//   s3://bucket/key   gs://bucket/key   az://container/key   https://host[:port]/path
//   file:///abs/path
// Remotes are named after the scheme (`s3`, `gs`, `az`) and are configured only through
// environment variables (`RCLONE_CONFIG_S3_TYPE=s3`, ...). rclone must read no config file and
// not warn that it has none: pass `--config ""` (or set `RCLONE_CONFIG=""`; both keep the
// config in memory only, checked with rclone 1.60; `/dev/null` works too). https uses the
// connection-string syntax of rclone >= 1.55 (`:http,url='https://host':path`), so it needs no
// remote at all. Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky {

enum class UriScheme { kS3, kGs, kAz, kHttps, kFile };

struct ObjectUri {
  UriScheme scheme = UriScheme::kFile;
  // The bucket (s3, gs), container (az) or `host[:port]` (https); empty for file.
  std::string bucket;
  // The key without a leading '/' (s3, gs, az; may be empty: the whole bucket), the
  // percent-decoded path without a leading '/' (https), or the absolute path (file; taken
  // literally, not percent-decoded).
  std::string path;
  // The URI as given, normalised: scheme in lower case, no trailing '/' (except "file:///").
  std::string text;
};

// Parses and validates one object URI. Returns InvalidArgument, quoting the text, when:
// the scheme is missing or not one of s3, gs, az, https, file; the bucket, container or host is
// empty or has characters other than letters, digits, '.', '_', '-' (host: no '_', plus an
// optional `:port` of 1..65535; no `user@`); a file URI is not `file:///absolute/path`; the text
// has whitespace or control characters; the path has an empty, `.` or `..` segment; an https
// URI has a query or fragment (`?`, `#`) or an escape that decodes to '/' or a control byte
// (%20, a space, is fine).
Result<ObjectUri> ParseObjectUri(std::string_view text);

// The rclone path of `uri`: `s3:bucket/key`, `gs:bucket/key`, `az:container/key` (just
// `s3:bucket` for a whole bucket), `:http,url='https://host[:port]':path` or `/abs/path`.
// REQUIRES: `uri` came from ParseObjectUri (the host has no quote to escape).
std::string RcloneRemotePath(const ObjectUri& uri);

// `base` + '/' + `child` with exactly one '/' between them (trailing slashes of `base`, leading
// slashes of `child` dropped; the "://" of a scheme is never eaten: "file:///" + "x" is
// "file:///x"). An empty side returns the other one unchanged.
std::string JoinUri(std::string_view base, std::string_view child);

// "s3", "gs", "az", "https" or "file".
std::string_view UriSchemeName(UriScheme scheme);

}  // namespace sky
