#include "sky/types/object_uri.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "sky/types/ascii.h"
#include "sky/types/percent_encoding.h"

namespace sky {
namespace {

constexpr std::array<std::pair<std::string_view, UriScheme>, 5> kSchemes = {{
    {"s3", UriScheme::kS3},
    {"gs", UriScheme::kGs},
    {"az", UriScheme::kAz},
    {"https", UriScheme::kHttps},
    {"file", UriScheme::kFile},
}};

constexpr std::string_view kAccepted =
    "expected s3://bucket/key, gs://bucket/key, az://container/key, https://host/path or "
    "file:///abs/path";

Status Invalid(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("object URI \"" + std::string(text) + "\": " + why);
}

bool IsSpaceOrControl(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7f;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Letters, digits, '.', '-' and (buckets, containers; not hosts) '_'.
bool IsNameChars(std::string_view name, bool allow_underscore) {
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '-' && !(allow_underscore && c == '_')) return false;
  }
  return true;
}

// "host" or "host:port" with port 1..65535.
bool IsHostPort(std::string_view authority) {
  size_t colon = authority.find(':');
  std::string_view host = authority.substr(0, colon);
  if (host.empty() || !IsNameChars(host, false)) return false;
  if (colon == std::string_view::npos) return true;
  std::string_view port = authority.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  int number = std::stoi(std::string(port));
  return number >= 1 && number <= 65535;
}

// Checks every '/'-separated segment of `path` (no leading or trailing '/').
Status CheckSegments(std::string_view text, std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment.empty()) return Invalid(text, "empty path segment (\"//\")");
    if (segment == "." || segment == "..") {
      return Invalid(text, "path segment \"" + std::string(segment) + "\" is not allowed");
    }
    start = slash + 1;
  }
  return Status::Ok();
}

Result<UriScheme> ParseScheme(std::string_view text, std::string_view scheme) {
  std::string lower = AsciiLower(scheme);
  for (const auto& [name, value] : kSchemes) {
    if (lower == name) return value;
  }
  return Invalid(text, "unknown scheme \"" + std::string(scheme) + "\"; " + std::string(kAccepted));
}

Status ParseFilePath(std::string_view text, std::string_view rest, ObjectUri& uri) {
  if (rest.empty() || rest[0] != '/') {
    return Invalid(text, "a file URI needs an absolute path and no host: file:///abs/path");
  }
  while (rest.size() > 1 && rest.back() == '/') rest.remove_suffix(1);
  uri.path = std::string(rest);
  if (rest.size() > 1) SKY_RETURN_IF_ERROR(CheckSegments(text, rest.substr(1)));
  return Status::Ok();
}

Status ParseHttpsPath(std::string_view text, std::string_view path, ObjectUri& uri) {
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Invalid(text, "https URIs take no query or fragment ('?', '#')");
  }
  SKY_RETURN_IF_ERROR(CheckSegments(text, path));
  for (size_t start = 0; start <= path.size();) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string segment = PercentDecode(path.substr(start, slash - start));
    for (char c : segment) {
      if (c == '/' || (IsSpaceOrControl(c) && c != ' ')) {
        return Invalid(text, "an escape in the path decodes to '/' or a control byte");
      }
    }
    if (segment == "." || segment == "..") {
      return Invalid(text, "path segment \"" + segment + "\" is not allowed");
    }
    uri.path += (start == 0 ? "" : "/") + segment;
    start = slash + 1;
  }
  return Status::Ok();
}

Status ParseBucketAndPath(std::string_view text, std::string_view rest, ObjectUri& uri) {
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  std::string_view what = uri.scheme == UriScheme::kHttps ? "host"
                          : uri.scheme == UriScheme::kAz  ? "container"
                                                          : "bucket";
  if (bucket.empty()) return Invalid(text, "empty " + std::string(what));
  if (uri.scheme == UriScheme::kHttps && bucket.find('@') != std::string_view::npos) {
    return Invalid(text, "credentials (user@) do not belong in a URI");
  }
  bool ok = uri.scheme == UriScheme::kHttps ? IsHostPort(bucket) : IsNameChars(bucket, true);
  if (!ok) {
    return Invalid(text, "bad " + std::string(what) + " \"" + std::string(bucket) +
                             "\": letters, digits, '.', '-'" +
                             (uri.scheme == UriScheme::kHttps ? ", then :port" : ", '_'"));
  }
  uri.bucket = std::string(bucket);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return Status::Ok();
  if (uri.scheme == UriScheme::kHttps) return ParseHttpsPath(text, path, uri);
  SKY_RETURN_IF_ERROR(CheckSegments(text, path));
  uri.path = std::string(path);
  return Status::Ok();
}

}  // namespace

Result<ObjectUri> ParseObjectUri(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty object URI; " + std::string(kAccepted));
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsSpaceOrControl(text[i])) {
      return Invalid(text, "whitespace or control character at byte " + std::to_string(i));
    }
  }
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return Invalid(text, "no scheme; " + std::string(kAccepted));
  ObjectUri uri;
  SKY_ASSIGN_OR_RETURN(uri.scheme, ParseScheme(text, text.substr(0, sep)));
  std::string_view rest = text.substr(sep + 3);
  if (uri.scheme == UriScheme::kFile) {
    SKY_RETURN_IF_ERROR(ParseFilePath(text, rest, uri));
  } else {
    SKY_RETURN_IF_ERROR(ParseBucketAndPath(text, rest, uri));
  }
  std::string_view trimmed = rest;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  uri.text = std::string(UriSchemeName(uri.scheme)) + "://" + std::string(trimmed);
  return uri;
}

std::string RcloneRemotePath(const ObjectUri& uri) {
  switch (uri.scheme) {
    case UriScheme::kFile:
      return uri.path;
    case UriScheme::kHttps:
      return ":http,url='https://" + uri.bucket + "':" + uri.path;
    default:
      return std::string(UriSchemeName(uri.scheme)) + ":" + uri.bucket +
             (uri.path.empty() ? "" : "/" + uri.path);
  }
}

std::string JoinUri(std::string_view base, std::string_view child) {
  if (base.empty()) return std::string(child);
  if (child.empty()) return std::string(base);
  size_t sep = base.find("://");
  size_t keep = sep == std::string_view::npos ? 0 : sep + 3;
  if (keep < base.size() && base[keep] == '/') ++keep;  // the root of "/" and "file:///"
  while (base.size() > keep && base.back() == '/') base.remove_suffix(1);
  while (!child.empty() && child.front() == '/') child.remove_prefix(1);
  if (child.empty()) return std::string(base);
  bool has_slash = base.back() == '/';
  return std::string(base) + (has_slash ? "" : "/") + std::string(child);
}

std::string_view UriSchemeName(UriScheme scheme) {
  for (const auto& [name, value] : kSchemes) {
    if (value == scheme) return name;
  }
  return "file";
}

}  // namespace sky
