#pragma once
// TokenBucket: a rate limit of `rate_per_second` with bursts of up to `burst` (tokens are added
// continuously, the bucket never holds more than `burst`; each request takes one). Time comes
// from a sky::Clock, so tests run it on a ManualClock without sleeping. A clock that steps back
// (a test resetting a ManualClock, a wall clock being corrected) adds nothing, and the bucket
// counts on from the new time. Thread-safe: one mutex per bucket, never held while calling out
// (but Clock::NowSeconds, which must not call back into the bucket).

#include "sky/types/clock.h"
#include "sky/types/mutex.h"
#include "sky/types/thread_annotations.h"

namespace sky {

struct TokenBucketOptions {
  // Tokens added per second (the sustained rate). Values below 1e-9 are taken as 1e-9.
  // Default: 10.
  double rate_per_second = 10;
  // Bucket size: how many requests may go at once after a quiet period. Values below 1 are
  // taken as 1. Default: 10.
  double burst = 10;
};

class TokenBucket {
 public:
  // `clock` must outlive the bucket. The bucket starts full.
  TokenBucket(const Clock& clock, TokenBucketOptions options);

  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes one token if one is available now and returns true. Otherwise takes nothing, returns
  // false and, when `wait_seconds` is not null, sets it to the seconds until one will be (> 0).
  bool TryAcquire(double* wait_seconds = nullptr) SKY_EXCLUDES(mu_);

  // Reserves the next token and returns how many seconds the caller must wait before using it
  // (0 when a token was available). Reservations queue up: a second caller is told to wait for
  // the token after the first one's. Never blocks.
  double Reserve() SKY_EXCLUDES(mu_);

  // Tokens available now (negative while reservations are outstanding).
  double Available() SKY_EXCLUDES(mu_);

  double rate_per_second() const { return options_.rate_per_second; }
  double burst() const { return options_.burst; }

 private:
  void Refill() SKY_REQUIRES(mu_);

  const Clock& clock_;
  const TokenBucketOptions options_;
  Mutex mu_;
  double tokens_ SKY_GUARDED_BY(mu_);
  double last_refill_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky
