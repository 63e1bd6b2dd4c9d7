#include "api/auth/rate_limiter.h"

#include <algorithm>

namespace sky::api {

RateLimiter::RateLimiter(double rate, double burst, size_t max_keys)
    : rate_(rate), burst_(burst), max_keys_(std::max<size_t>(max_keys, 1)) {}

// A clock that steps back (a wall clock being corrected) refills nothing rather than
// draining the bucket.
double RateLimiter::Refilled(const Bucket& bucket, double now) const {
  const double elapsed = std::max(0.0, now - bucket.updated);
  return std::min(burst_, bucket.level + elapsed * rate_);
}

void RateLimiter::Evict(double now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = Refilled(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

double RateLimiter::Acquire(const std::string& key, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now);
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.level = Refilled(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.level >= 1) {
    bucket.level -= 1;
    return 0;
  }
  return (1 - bucket.level) / rate_;
}

}  // namespace sky::api
