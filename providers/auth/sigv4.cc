#include "providers/auth/sigv4.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "sky/providers/auth/crypto.h"
#include "sky/types/ascii.h"
#include "sky/types/civil_time.h"
#include "sky/types/percent_encoding.h"

namespace sky::providers::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kWhitespace = " \t\r\n";

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// RFC 3986 dot-segment removal, with empty segments ("//") dropped as AWS does.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> kept;
  const std::vector<std::string_view> segments = Split(path, '/');
  for (std::string_view segment : segments) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string out;
  for (std::string_view segment : kept) out.append("/").append(segment);
  const std::string_view last = segments.back();
  if (out.empty() || last.empty() || last == "." || last == "..") out.push_back('/');
  return out;
}

// Trims the value and folds every run of whitespace (line breaks included) into one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (kWhitespace.find(c) != std::string_view::npos) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Hop-by-hop and agent headers: proxies change them, so they are never signed.
bool IsUnsignable(const std::string& lower_name) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "authorization", "connection",        "expect",  "keep-alive", "proxy-authorization", "te",
      "trailer",       "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id"};
  for (std::string_view name : kNames) {
    if (lower_name == name) return true;
  }
  return false;
}

// Lowercased names, in order, each with its values joined by ','.
std::map<std::string, std::string> CanonicalHeaders(const HttpHeaders& headers) {
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : headers) {
    std::string key = AsciiLower(CanonicalHeaderValue(name));
    if (IsUnsignable(key)) continue;
    auto [it, inserted] = canonical.emplace(key, CanonicalHeaderValue(value));
    if (!inserted) it->second.append(",").append(CanonicalHeaderValue(value));
  }
  return canonical;
}

Result<std::string> SigningKey(const AwsCredentials& credentials, const std::string& date,
                               const SigV4Scope& scope) {
  SKY_ASSIGN_OR_RETURN(std::string key, HmacSha256("AWS4" + credentials.secret_access_key, date));
  SKY_ASSIGN_OR_RETURN(key, HmacSha256(key, scope.region));
  SKY_ASSIGN_OR_RETURN(key, HmacSha256(key, scope.service));
  return HmacSha256(key, "aws4_request");
}

Status Validate(const SigV4Input& input, const AwsCredentials& credentials,
                const SigV4Scope& scope) {
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("SigV4: empty access key id or secret access key");
  }
  if (scope.region.empty() || scope.service.empty()) {
    return Status::InvalidArgument("SigV4: empty region or service");
  }
  if (input.method.empty()) return Status::InvalidArgument("SigV4: empty method");
  if (FindHeader(input.headers, "Host") == nullptr) {
    return Status::InvalidArgument("SigV4: the request has no Host header");
  }
  return Status::Ok();
}

// Fills out->headers_to_set with the headers added before signing and returns the request's
// headers with them applied, plus the payload hash.
Result<std::pair<HttpHeaders, std::string>> PrepareHeaders(const SigV4Input& input,
                                                           const AwsCredentials& credentials,
                                                           const SigV4Options& options,
                                                           const std::string& amz_date,
                                                           SigV4Signature* out) {
  out->headers_to_set.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty() &&
      options.session_token == SessionTokenPlacement::kSigned &&
      FindHeader(input.headers, "X-Amz-Security-Token") == nullptr) {
    out->headers_to_set.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  std::string payload_hash;
  if (const std::string* given = FindHeader(input.headers, "X-Amz-Content-Sha256")) {
    payload_hash = *given;  // e.g. UNSIGNED-PAYLOAD, chosen by the caller
  } else {
    SKY_ASSIGN_OR_RETURN(payload_hash, Sha256Hex(input.payload));
    if (options.add_content_sha256) {
      out->headers_to_set.emplace_back("X-Amz-Content-Sha256", payload_hash);
    }
  }
  HttpHeaders headers = input.headers;
  for (const auto& [name, value] : out->headers_to_set) SetHeader(headers, name, value);
  return std::make_pair(std::move(headers), std::move(payload_hash));
}

// Sets canonical_request and signed_headers.
void BuildCanonicalRequest(const SigV4Input& input, const HttpHeaders& headers,
                           const std::string& payload_hash, const SigV4Options& options,
                           SigV4Signature* out) {
  std::string canonical_headers;
  for (const auto& [name, value] : CanonicalHeaders(headers)) {
    canonical_headers.append(name).append(":").append(value).append("\n");
    out->signed_headers.append(out->signed_headers.empty() ? "" : ";").append(name);
  }
  out->canonical_request = input.method + "\n" + CanonicalUri(input.path, options.normalize_path) +
                           "\n" + CanonicalQuery(input.query) + "\n" + canonical_headers + "\n" +
                           out->signed_headers + "\n" + payload_hash;
}

// "host[:port]" as curl sends it in Host: the port only when it is not the scheme's default.
std::string HostHeader(std::string_view scheme, std::string_view authority) {
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return std::string(authority);
  }
  const std::string_view port = authority.substr(colon + 1);
  if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) {
    return std::string(authority.substr(0, colon));
  }
  return std::string(authority);
}

// Splits an absolute http(s) URL into Host header, path and query.
Result<SigV4Input> InputFromUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const std::string scheme =
      AsciiLower(url.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("SigV4: not an absolute http(s) URL");
  }
  url.remove_prefix(scheme_end + 3);
  url = url.substr(0, url.find('#'));
  const size_t authority_end = std::min(url.find_first_of("/?"), url.size());
  std::string_view authority = url.substr(0, authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) return Status::InvalidArgument("SigV4: URL has no host");
  SigV4Input input;
  input.headers.emplace_back("Host", HostHeader(scheme, authority));
  std::string_view rest = url.substr(authority_end);
  const size_t question = rest.find('?');
  input.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) input.query = std::string(rest.substr(question + 1));
  return input;
}

}  // namespace

std::string AmzDate(int64_t epoch_seconds) { return FormatIsoUtcBasic(epoch_seconds); }

std::string CanonicalUri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  return PercentEncode(normalize ? NormalizePath(path) : std::string(path), /*keep_slash=*/true);
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view pair : Split(query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    params.emplace_back(PercentEncode(PercentDecode(name)), PercentEncode(PercentDecode(value)));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

Result<SigV4Signature> SignV4(const SigV4Input& input, const AwsCredentials& credentials,
                              const SigV4Scope& scope, int64_t epoch_seconds,
                              const SigV4Options& options) {
  SKY_RETURN_IF_ERROR(Validate(input, credentials, scope));
  SigV4Signature out;
  const std::string amz_date = AmzDate(epoch_seconds);
  SKY_ASSIGN_OR_RETURN(auto prepared, PrepareHeaders(input, credentials, options, amz_date, &out));
  BuildCanonicalRequest(input, prepared.first, prepared.second, options, &out);

  const std::string date = amz_date.substr(0, 8);
  const std::string credential_scope =
      date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  SKY_ASSIGN_OR_RETURN(std::string request_hash, Sha256Hex(out.canonical_request));
  out.string_to_sign =
      std::string(kAlgorithm) + "\n" + amz_date + "\n" + credential_scope + "\n" + request_hash;
  SKY_ASSIGN_OR_RETURN(std::string key, SigningKey(credentials, date, scope));
  SKY_ASSIGN_OR_RETURN(std::string mac, HmacSha256(key, out.string_to_sign));
  out.signature = HexEncode(mac);
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      credential_scope + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  if (!credentials.session_token.empty() &&
      options.session_token == SessionTokenPlacement::kAfterSignature &&
      FindHeader(input.headers, "X-Amz-Security-Token") == nullptr) {
    out.headers_to_set.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  out.headers_to_set.emplace_back("Authorization", out.authorization);
  return out;
}

Status SignHttpRequest(HttpRequest& request, const AwsCredentials& credentials,
                       const SigV4Scope& scope, int64_t epoch_seconds,
                       const SigV4Options& options) {
  SKY_ASSIGN_OR_RETURN(SigV4Input input, InputFromUrl(request.url));
  input.method = request.method;
  input.payload = request.body;
  if (FindHeader(request.headers, "Host") != nullptr) input.headers.clear();
  input.headers.insert(input.headers.end(), request.headers.begin(), request.headers.end());
  SKY_ASSIGN_OR_RETURN(SigV4Signature signature,
                       SignV4(input, credentials, scope, epoch_seconds, options));
  for (auto& [name, value] : signature.headers_to_set) {
    SetHeader(request.headers, name, std::move(value));
  }
  return Status::Ok();
}

}  // namespace sky::providers::auth
