#pragma once
// sky::Result<T>: either a T or a non-OK Status. Thread safety is that of T.

#include <optional>
#include <utility>

#include "sky/types/status.h"

namespace sky {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok(). An OK status without a value becomes kInternal.
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status without a value");
  }
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

  // The value when ok(), else `fallback`.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

template <typename T>
const Status& ToStatus(const Result<T>& r) {
  return r.status();
}

}  // namespace sky

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
#define SKY_ASSIGN_OR_RETURN(lhs, rexpr) \
  SKY_ASSIGN_OR_RETURN_IMPL(SKY_STATUS_CONCAT(sky_result_, __LINE__), lhs, rexpr)
#define SKY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(tmp).value()
