#pragma once
// KeyedRateLimiter: one sky::TokenBucket per key (an API token's id, or a client address), each
// filled at `rate_per_second` up to `burst`; each request takes one token. What it adds to the
// bucket is the map and its bound. Time comes from an injected clock, so tests need no
// sleeping. Thread-safe: one mutex over the map (each bucket has its own).

#include <cstddef>
#include <string>
#include <unordered_map>

#include "sky/types/clock.h"
#include "sky/types/mutex.h"
#include "sky/types/thread_annotations.h"
#include "sky/types/token_bucket.h"

namespace sky::api {

class KeyedRateLimiter {
 public:
  // `clock` must outlive the limiter. At most `max_keys` buckets are kept: past that, the full
  // (idle) ones are dropped, and when none is idle every bucket starts over full, so that a
  // flood of new keys costs memory only up to the bound.
  KeyedRateLimiter(const Clock& clock, TokenBucketOptions options, size_t max_keys = 10'000);

  // 0 when a request for `key` may go now, one token taken; otherwise the seconds until it
  // may (> 0), nothing taken.
  double Acquire(const std::string& key) SKY_EXCLUDES(mu_);

 private:
  // Drops the full buckets, and every bucket when none is full. REQUIRES: mu_ held.
  void Evict() SKY_REQUIRES(mu_);

  const Clock& clock_;
  const TokenBucketOptions options_;
  const size_t max_keys_;
  Mutex mu_;
  std::unordered_map<std::string, TokenBucket> buckets_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::api
