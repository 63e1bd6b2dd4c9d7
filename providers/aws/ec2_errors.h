#pragma once
// Maps EC2 error responses to the Status codes of the Provider contract
// (sky/providers/provider.h), so the broker acts on them without reading text, and tells the
// retrying HTTP layer which responses are worth repeating: EC2 reports capacity errors as
// HTTP 500, and those must fail over at once, not be retried. Pure functions; thread-safe.

#include <string_view>

#include "sky/providers/http_client.h"
#include "sky/types/status.h"

namespace sky::providers::aws {

enum class Ec2ErrorClass {
  kCapacity,   // no capacity for this offer or zone: ResourceExhausted "capacity"
  kQuota,      // account limit: ResourceExhausted "quota"
  kThrottled,  // request rate: Unavailable "throttled"
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,  // an unknown instance (or other resource)
  kInvalid,   // a request EC2 rejected
  kServer,    // EC2 internal or unavailable: Unavailable
  kUnknown,   // not a code this table knows: decided by the HTTP status
};

// The class of an EC2 error code ("InsufficientInstanceCapacity" -> kCapacity, any
// "*.NotFound" -> kNotFound, "*.Malformed" -> kInvalid, ...).
Ec2ErrorClass ClassifyEc2ErrorCode(std::string_view code);

// The Status for an EC2 error: the message is "EC2 <code>: <message>" (redacted), with the
// reason "capacity", "quota" or "throttled" where the class has one. Codes this table does
// not know fall back to StatusForHttpError(http_status). REQUIRES: http_status >= 300.
Status StatusForEc2Error(int http_status, std::string_view code, std::string_view message);

// The Status for a whole non-2xx EC2 response: reads the error envelope, or, when the body
// has none, maps the HTTP status alone.
Status StatusForEc2Response(const HttpResponse& response);

// The RetryingHttpClient classifier for EC2: retries throttling and server errors (any
// status) and bare 429/5xx answers, but never a capacity, quota or other definite error
// carried in a 5xx body.
bool IsRetryableEc2Response(const HttpResponse& response);

}  // namespace sky::providers::aws
