#pragma once
// sky::Status: the outcome of an operation, as a code and a message (LevelDB's model).
// A Status is a value: cheap to copy when OK, safe to use from any thread once built.

#include <string>
#include <string_view>
#include <utility>

namespace sky {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad user input: a spec, a file, a flag
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a create collided with an existing thing
  kFailedPrecondition,  // the system is not in a state that allows this
  kPermissionDenied,    // authenticated but not allowed
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // quota or no capacity at a provider
  kUnavailable,         // retryable: network, 5xx, throttling
  kDeadlineExceeded,    // a timeout elapsed
  kInfeasible,          // the planner proved there is no plan
  kInternal,            // a bug or an unexpected failure
};

// Returns the code's stable name, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status DeadlineExceeded(std::string msg) {
    return {StatusCode::kDeadlineExceeded, std::move(msg)};
  }
  static Status Infeasible(std::string msg) { return {StatusCode::kInfeasible, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsFailedPrecondition() const { return code_ == StatusCode::kFailedPrecondition; }
  bool IsPermissionDenied() const { return code_ == StatusCode::kPermissionDenied; }
  bool IsUnauthenticated() const { return code_ == StatusCode::kUnauthenticated; }
  bool IsResourceExhausted() const { return code_ == StatusCode::kResourceExhausted; }
  bool IsUnavailable() const { return code_ == StatusCode::kUnavailable; }
  bool IsDeadlineExceeded() const { return code_ == StatusCode::kDeadlineExceeded; }
  bool IsInfeasible() const { return code_ == StatusCode::kInfeasible; }
  bool IsInternal() const { return code_ == StatusCode::kInternal; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  // A machine-readable refinement of the code, for callers that must act differently on two
  // errors of one code without reading the message: ResourceExhausted with reason "capacity"
  // (block the offer or zone) or "quota" (block the region); Unavailable with "throttled"
  // (back off, never fail over). Empty when none was given. OK stays OK.
  Status WithReason(std::string reason) const;
  const std::string& reason() const { return reason_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

}  // namespace sky

#define SKY_STATUS_CONCAT_INNER(a, b) a##b
#define SKY_STATUS_CONCAT(a, b) SKY_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define SKY_RETURN_IF_ERROR(expr)                          \
  do {                                                     \
    ::sky::Status sky_status_tmp_ = ::sky::ToStatus(expr); \
    if (!sky_status_tmp_.ok()) return sky_status_tmp_;     \
  } while (0)

namespace sky {
inline const Status& ToStatus(const Status& s) { return s; }
}  // namespace sky
