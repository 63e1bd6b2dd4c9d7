#pragma once
// AWS Signature Version 4 (header-based; presigned URLs are not needed). Written against the
// public specification and checked byte for byte against AWS's SigV4 test suite
// (../shared/specs/aws-sigv4-test-suite) and against @smithy/signature-v4. Pure functions;
// thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "sky/providers/auth/aws_credentials.h"
#include "sky/providers/http_client.h"
#include "sky/types/result.h"

namespace sky::providers::auth {

struct SigV4Scope {
  std::string region;   // "us-east-1"
  std::string service;  // "ec2"
};

enum class SessionTokenPlacement {
  kSigned,          // X-Amz-Security-Token is added before signing and signed (EC2, STS, ...)
  kAfterSignature,  // added after signing, not part of the signature (some older services)
};

struct SigV4Options {
  // Where a session token goes. Default: kSigned.
  SessionTokenPlacement session_token = SessionTokenPlacement::kSigned;
  // Remove '.', '..' and empty segments from the path before encoding it. S3 wants this off.
  // Default: true.
  bool normalize_path = true;
  // Send the payload hash as X-Amz-Content-Sha256 (S3 requires it). Default: false.
  bool add_content_sha256 = false;
};

// The parts of a request that SigV4 covers.
struct SigV4Input {
  std::string method;   // "POST"
  std::string path;     // the request path as sent, before '?'; encoded once more when signing
  std::string query;    // the raw query string without '?'; may be empty
  HttpHeaders headers;  // must include Host
  std::string payload;  // the body
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header value
  // Every header the request must carry on top of its own: X-Amz-Date,
  // X-Amz-Security-Token (when the credentials have one), X-Amz-Content-Sha256 (when asked),
  // Authorization. Replaces any header of the same name.
  HttpHeaders headers_to_set;
};

// 20150830T123600Z for `epoch_seconds` (UTC).
std::string AmzDate(int64_t epoch_seconds);

// The canonical URI: optionally normalised, then every byte but unreserved ones and '/'
// percent-encoded with uppercase hex. An empty path is "/".
std::string CanonicalUri(std::string_view path, bool normalize);

// The canonical query string: parameters percent-decoded, re-encoded, sorted by name then
// value; a parameter without '=' gets an empty value.
std::string CanonicalQuery(std::string_view query);

// Signs `input` at `epoch_seconds`. An X-Amz-Date header in the input is replaced by the one
// for `epoch_seconds`. Errors: InvalidArgument (no Host header, empty key id or secret, empty
// region or service), Internal (OpenSSL failed).
Result<SigV4Signature> SignV4(const SigV4Input& input, const AwsCredentials& credentials,
                              const SigV4Scope& scope, int64_t epoch_seconds,
                              const SigV4Options& options = {});

// Signs `request` in place: takes host, path and query from its URL (Host as curl will send
// it, the port included unless it is the scheme's default), then sets the headers listed in
// SigV4Signature::headers_to_set. Errors: those of SignV4, and InvalidArgument for a URL
// that is not absolute http(s).
Status SignHttpRequest(HttpRequest& request, const AwsCredentials& credentials,
                       const SigV4Scope& scope, int64_t epoch_seconds,
                       const SigV4Options& options = {});

}  // namespace sky::providers::auth
