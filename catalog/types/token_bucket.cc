#include "sky/types/token_bucket.h"

#include <algorithm>

namespace sky {

TokenBucket::TokenBucket(const Clock& clock, TokenBucketOptions options)
    : clock_(clock),
      options_{std::max(options.rate_per_second, 1e-9), std::max(options.burst, 1.0)},
      tokens_(options_.burst),
      last_refill_(clock.NowSeconds()) {}

void TokenBucket::Refill() {
  const double now = clock_.NowSeconds();
  const double elapsed = std::max(0.0, now - last_refill_);
  tokens_ = std::min(options_.burst, tokens_ + elapsed * options_.rate_per_second);
  last_refill_ = now;
}

bool TokenBucket::TryAcquire(double* wait_seconds) {
  MutexLock lock(mu_);
  Refill();
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return true;
  }
  if (wait_seconds != nullptr) *wait_seconds = (1.0 - tokens_) / options_.rate_per_second;
  return false;
}

double TokenBucket::Reserve() {
  MutexLock lock(mu_);
  Refill();
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return 0.0;
  return -tokens_ / options_.rate_per_second;
}

double TokenBucket::Available() {
  MutexLock lock(mu_);
  Refill();
  return tokens_;
}

}  // namespace sky
