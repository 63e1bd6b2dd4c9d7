#include "providers/rest/in_flight_claim.h"

#include <utility>

namespace sky::providers::rest {

bool InFlightKeys::Insert(const std::string& key) {
  MutexLock lock(mu_);
  return keys_.insert(key).second;
}

void InFlightKeys::Erase(const std::string& key) {
  MutexLock lock(mu_);
  keys_.erase(key);
}

bool InFlightKeys::Contains(const std::string& key) const {
  MutexLock lock(mu_);
  return keys_.count(key) > 0;
}

size_t InFlightKeys::size() const {
  MutexLock lock(mu_);
  return keys_.size();
}

InFlightClaim::InFlightClaim(InFlightKeys& keys, std::string key)
    : keys_(keys), key_(std::move(key)) {
  claimed_ = keys_.Insert(key_);
}

InFlightClaim::~InFlightClaim() {
  if (claimed_) keys_.Erase(key_);
}

}  // namespace sky::providers::rest
