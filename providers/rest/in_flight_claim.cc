#include "providers/rest/in_flight_claim.h"

#include <utility>

namespace sky::providers::rest {

InFlightClaim::InFlightClaim(std::mutex& mu, std::set<std::string>& keys, std::string key)
    : mu_(mu), keys_(keys), key_(std::move(key)) {
  std::lock_guard<std::mutex> lock(mu_);
  claimed_ = keys_.insert(key_).second;
}

InFlightClaim::~InFlightClaim() {
  if (!claimed_) return;
  std::lock_guard<std::mutex> lock(mu_);
  keys_.erase(key_);
}

}  // namespace sky::providers::rest
