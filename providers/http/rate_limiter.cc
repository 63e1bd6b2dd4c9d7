#include "providers/http/rate_limiter.h"

#include <algorithm>

namespace sky::providers {

RateLimiter::RateLimiter(const Clock& clock, RateLimiterOptions options)
    : clock_(clock),
      options_{std::max(options.rate_per_second, 1e-9), std::max(options.burst, 1.0)},
      tokens_(options_.burst),
      last_refill_(clock.NowSeconds()) {}

void RateLimiter::Refill() {
  const double now = clock_.NowSeconds();
  // A clock that steps backwards (a test resetting a ManualClock) adds nothing.
  const double elapsed = std::max(0.0, now - last_refill_);
  tokens_ = std::min(options_.burst, tokens_ + elapsed * options_.rate_per_second);
  last_refill_ = now;
}

bool RateLimiter::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  Refill();
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

double RateLimiter::Reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  Refill();
  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return 0.0;
  return -tokens_ / options_.rate_per_second;
}

double RateLimiter::Available() {
  std::lock_guard<std::mutex> lock(mu_);
  Refill();
  return tokens_;
}

}  // namespace sky::providers
