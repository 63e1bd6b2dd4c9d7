#pragma once
// InFlightClaim: marks a launch key as in progress for the claim's lifetime, so that two
// concurrent launches with one idempotency key cannot both miss the other's instance in the
// look-up that precedes a create (Lambda, RunPod: no server-side idempotency token).

#include <mutex>
#include <set>
#include <string>

namespace sky::providers::rest {

// Not copyable. The referenced mutex and set must outlive the claim; every access to `keys`
// elsewhere must hold `mu`. Safe to use from several threads through the shared mutex.
class InFlightClaim {
 public:
  // Inserts `key` into `keys` unless it is already there (then claimed() is false).
  InFlightClaim(std::mutex& mu, std::set<std::string>& keys, std::string key);
  // Removes the key again when this claim inserted it.
  ~InFlightClaim();
  InFlightClaim(const InFlightClaim&) = delete;
  InFlightClaim& operator=(const InFlightClaim&) = delete;

  // False when another holder had the key.
  bool claimed() const { return claimed_; }

 private:
  std::mutex& mu_;
  std::set<std::string>& keys_;  // guarded by mu_
  const std::string key_;
  bool claimed_ = false;
};

}  // namespace sky::providers::rest
