#pragma once
// RateLimiter: a token bucket, one per provider, shared by every client that talks to that
// provider, so that the broker as a whole stays under the provider's request rate. Time comes
// from a sky::Clock, so tests run it on a ManualClock. Thread-safe.

#include <mutex>

#include "sky/types/clock.h"

namespace sky::providers {

struct RateLimiterOptions {
  // Tokens added per second (the sustained request rate). Must be > 0. Default: 10.
  double rate_per_second = 10;
  // Bucket size: how many requests may go at once after a quiet period. Must be >= 1.
  // Default: 10.
  double burst = 10;
};

class RateLimiter {
 public:
  // `clock` must outlive the limiter. The bucket starts full.
  RateLimiter(const Clock& clock, RateLimiterOptions options);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token if one is available now; returns false (and takes nothing) otherwise.
  bool TryAcquire();

  // Reserves the next token and returns how many seconds the caller must wait before sending
  // (0 when a token was available). Reservations queue up: a second caller is told to wait
  // for the token after the first one's. Never blocks.
  double Reserve();

  // Tokens available now (negative while reservations are outstanding).
  double Available();

 private:
  void Refill();  // REQUIRES: mu_ held.

  const Clock& clock_;
  const RateLimiterOptions options_;
  std::mutex mu_;
  double tokens_;       // guarded by mu_
  double last_refill_;  // guarded by mu_
};

}  // namespace sky::providers
