#pragma once
// InFlightClaim: marks a launch key as in progress for the claim's lifetime, so that two
// concurrent launches with one idempotency key cannot both miss the other's instance in the
// look-up that precedes a create (Lambda, RunPod: no server-side idempotency token).

#include <cstddef>
#include <set>
#include <string>

#include "sky/types/mutex.h"

namespace sky::providers::rest {

// The keys of the launches in flight. Thread-safe: its own mutex guards the set.
class InFlightKeys {
 public:
  // False when `key` was already there.
  bool Insert(const std::string& key) SKY_EXCLUDES(mu_);
  void Erase(const std::string& key) SKY_EXCLUDES(mu_);
  bool Contains(const std::string& key) const SKY_EXCLUDES(mu_);
  size_t size() const SKY_EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::set<std::string> keys_ SKY_GUARDED_BY(mu_);
};

// Not copyable. The referenced keys must outlive the claim. Safe to use from several threads
// through the shared InFlightKeys.
class InFlightClaim {
 public:
  // Inserts `key` into `keys` unless it is already there (then claimed() is false).
  InFlightClaim(InFlightKeys& keys, std::string key);
  // Removes the key again when this claim inserted it.
  ~InFlightClaim();
  InFlightClaim(const InFlightClaim&) = delete;
  InFlightClaim& operator=(const InFlightClaim&) = delete;

  // False when another holder had the key.
  bool claimed() const { return claimed_; }

 private:
  InFlightKeys& keys_;
  const std::string key_;
  bool claimed_ = false;
};

}  // namespace sky::providers::rest
