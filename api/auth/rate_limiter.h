#pragma once
// RateLimiter: one token bucket per key (an API token's id, or a client address), filled at
// `rate` per second up to `burst`; each request takes one unit. Times come from the caller
// (an injected clock), so tests need no sleeping. Thread-safe: one mutex.

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sky::api {

class RateLimiter {
 public:
  // REQUIRES: rate > 0, burst >= 1. At most `max_keys` buckets are kept: past that, the full
  // (idle) ones are dropped, and when none is idle every bucket starts over full, so that a
  // flood of new keys costs memory only up to the bound.
  RateLimiter(double rate, double burst, size_t max_keys = 10'000);

  // 0 when a request for `key` at time `now` (seconds) may go, one unit taken; otherwise the
  // seconds until it may (> 0), nothing taken.
  double Acquire(const std::string& key, double now);

  double rate() const { return rate_; }

 private:
  struct Bucket {
    double level = 0;
    double updated = 0;
  };
  // The bucket's level refilled up to `now`. REQUIRES: mu_ held.
  double Refilled(const Bucket& bucket, double now) const;
  // Drops idle buckets when the map is full. REQUIRES: mu_ held.
  void Evict(double now);

  const double rate_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace sky::api
