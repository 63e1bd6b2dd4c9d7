#include "api/auth/keyed_rate_limiter.h"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace sky::api {

KeyedRateLimiter::KeyedRateLimiter(const Clock& clock, TokenBucketOptions options, size_t max_keys)
    : clock_(clock), options_(options), max_keys_(std::max<size_t>(max_keys, 1)) {}

void KeyedRateLimiter::Evict() {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    it = it->second.Available() >= it->second.burst() ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() >= max_keys_) buckets_.clear();
}

double KeyedRateLimiter::Acquire(const std::string& key) {
  MutexLock lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict();
    it = buckets_
             .emplace(std::piecewise_construct, std::forward_as_tuple(key),
                      std::forward_as_tuple(clock_, options_))
             .first;
  }
  double wait = 0;
  return it->second.TryAcquire(&wait) ? 0 : wait;
}

}  // namespace sky::api
