#include "providers/aws/ec2_errors.h"

#include <string>

#include "providers/aws/ec2_xml.h"
#include "providers/http/redact.h"
#include "sky/providers/http/retrying_http_client.h"

namespace sky::providers::aws {
namespace {

struct CodeClass {
  std::string_view code;
  Ec2ErrorClass error_class;
};

// From the EC2 API reference's error code list.
constexpr CodeClass kCodes[] = {
    {"InsufficientInstanceCapacity", Ec2ErrorClass::kCapacity},
    {"InsufficientHostCapacity", Ec2ErrorClass::kCapacity},
    {"InsufficientReservedInstanceCapacity", Ec2ErrorClass::kCapacity},
    {"InsufficientCapacity", Ec2ErrorClass::kCapacity},
    {"InsufficientAddressCapacity", Ec2ErrorClass::kCapacity},
    {"InsufficientCapacityOnOutpost", Ec2ErrorClass::kCapacity},
    {"SpotMaxPriceTooLow", Ec2ErrorClass::kCapacity},
    // "The requested configuration is currently not supported" (the type in that zone).
    {"Unsupported", Ec2ErrorClass::kCapacity},
    {"InstanceLimitExceeded", Ec2ErrorClass::kQuota},
    {"VcpuLimitExceeded", Ec2ErrorClass::kQuota},
    {"MaxSpotInstanceCountExceeded", Ec2ErrorClass::kQuota},
    {"MaxSpotFleetRequestCountExceeded", Ec2ErrorClass::kQuota},
    {"ResourceLimitExceeded", Ec2ErrorClass::kQuota},
    {"RequestLimitExceeded", Ec2ErrorClass::kThrottled},
    {"Throttling", Ec2ErrorClass::kThrottled},
    {"ThrottlingException", Ec2ErrorClass::kThrottled},
    {"RequestThrottled", Ec2ErrorClass::kThrottled},
    {"AuthFailure", Ec2ErrorClass::kUnauthenticated},
    {"InvalidClientTokenId", Ec2ErrorClass::kUnauthenticated},
    {"SignatureDoesNotMatch", Ec2ErrorClass::kUnauthenticated},
    {"IncompleteSignature", Ec2ErrorClass::kUnauthenticated},
    {"MissingAuthenticationToken", Ec2ErrorClass::kUnauthenticated},
    {"ExpiredToken", Ec2ErrorClass::kUnauthenticated},
    {"RequestExpired", Ec2ErrorClass::kUnauthenticated},
    {"UnauthorizedOperation", Ec2ErrorClass::kPermissionDenied},
    {"OptInRequired", Ec2ErrorClass::kPermissionDenied},
    {"Blocked", Ec2ErrorClass::kPermissionDenied},
    {"InvalidParameterValue", Ec2ErrorClass::kInvalid},
    {"InvalidParameterCombination", Ec2ErrorClass::kInvalid},
    {"InvalidParameter", Ec2ErrorClass::kInvalid},
    {"MissingParameter", Ec2ErrorClass::kInvalid},
    {"UnknownParameter", Ec2ErrorClass::kInvalid},
    {"InvalidAction", Ec2ErrorClass::kInvalid},
    {"IdempotentParameterMismatch", Ec2ErrorClass::kInvalid},
    {"DryRunOperation", Ec2ErrorClass::kInvalid},
    {"InternalError", Ec2ErrorClass::kServer},
    {"InternalFailure", Ec2ErrorClass::kServer},
    {"ServiceUnavailable", Ec2ErrorClass::kServer},
    {"Unavailable", Ec2ErrorClass::kServer},
};

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

Ec2ErrorClass ClassifyEc2ErrorCode(std::string_view code) {
  for (const CodeClass& entry : kCodes) {
    if (entry.code == code) return entry.error_class;
  }
  if (EndsWith(code, ".NotFound")) return Ec2ErrorClass::kNotFound;
  if (EndsWith(code, ".Malformed") || code.substr(0, 7) == "Invalid") {
    return Ec2ErrorClass::kInvalid;
  }
  return Ec2ErrorClass::kUnknown;
}

Status StatusForEc2Error(int http_status, std::string_view code, std::string_view message) {
  std::string text = RedactText("EC2 " + std::string(code) + ": " + std::string(message));
  switch (ClassifyEc2ErrorCode(code)) {
    case Ec2ErrorClass::kCapacity:
      return Status::ResourceExhausted(std::move(text)).WithReason("capacity");
    case Ec2ErrorClass::kQuota:
      return Status::ResourceExhausted(std::move(text)).WithReason("quota");
    case Ec2ErrorClass::kThrottled:
      return Status::Unavailable(std::move(text)).WithReason("throttled");
    case Ec2ErrorClass::kUnauthenticated:
      return Status::Unauthenticated(std::move(text));
    case Ec2ErrorClass::kPermissionDenied:
      return Status::PermissionDenied(std::move(text));
    case Ec2ErrorClass::kNotFound:
      return Status::NotFound(std::move(text));
    case Ec2ErrorClass::kInvalid:
      return Status::InvalidArgument(std::move(text));
    case Ec2ErrorClass::kServer:
      return Status::Unavailable(std::move(text));
    case Ec2ErrorClass::kUnknown:
      break;
  }
  return StatusForHttpError(http_status, std::move(text));
}

Status StatusForEc2Response(const HttpResponse& response) {
  Result<Ec2Error> error = ParseEc2Error(response.body);
  if (error.ok()) return StatusForEc2Error(response.status, error->code, error->message);
  std::string text = "EC2 HTTP " + std::to_string(response.status) + ": " +
                     RedactText(response.body.substr(0, 200));
  Status status = StatusForHttpError(response.status, std::move(text));
  return response.status == 429 ? status.WithReason("throttled") : status;
}

bool IsRetryableEc2Response(const HttpResponse& response) {
  if (response.status < 300) return false;
  Result<Ec2Error> error = ParseEc2Error(response.body);
  if (error.ok()) {
    Ec2ErrorClass error_class = ClassifyEc2ErrorCode(error->code);
    if (error_class == Ec2ErrorClass::kThrottled || error_class == Ec2ErrorClass::kServer) {
      return true;
    }
    if (error_class != Ec2ErrorClass::kUnknown) return false;
  }
  return IsRetryableHttpStatus(response.status);
}

}  // namespace sky::providers::aws
