#include "sky/storage/statement.h"

#include <utility>

namespace sky::storage {

Statement::Statement(Statement&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)),
      owned_(std::move(other.owned_)),
      bind_status_(std::move(other.bind_status_)) {}

Statement::~Statement() {
  // A one-off statement is freed by owned_; a cached one goes back clean.
  if (impl_ != nullptr && owned_ == nullptr) impl_->Reset();
}

void Statement::Remember(Status status) {
  if (bind_status_.ok() && !status.ok()) bind_status_ = std::move(status);
}

Statement& Statement::Bind(int index, std::string_view text) {
  Remember(impl_->BindText(index, text));
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  Remember(impl_->BindDouble(index, value));
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  Remember(impl_->BindInt(index, value));
  return *this;
}

Statement& Statement::BindNull(int index) {
  Remember(impl_->BindNull(index));
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  return impl_->Step();
}

Status Statement::Run() {
  while (true) {
    SKY_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return Status::Ok();
  }
}

}  // namespace sky::storage
