#pragma once
// RetryingHttpClient: an HttpClient decorator that retries what is safe to retry.
//
// Retried: transport failures with code Unavailable or DeadlineExceeded, and responses the
// classifier calls retryable (by default 429, 500, 502, 503, 504) -- but only for requests
// that are idempotent or carry an idempotency key; anything else is sent once, so a
// non-idempotent call is never blindly repeated. Waits between attempts are exponential with
// full jitter from a seeded RNG (uniform in [0, min(max_backoff, base_backoff * 2^(n-1))]
// before retry n), or exactly the server's `Retry-After: <seconds>` when it sends one. An
// optional per-provider TokenBucket is consulted before every attempt.
//
// When it stops retrying a retryable response (attempts ran out, or Retry-After asks for
// longer than max_retry_after), Send returns that last HttpResponse, so the adapter maps it
// with its own error codes: 429 and throttling codes to Unavailable "throttled", 5xx to
// Unavailable (back off, never fail over), without parsing any message text. When attempts
// run out on a transport failure it returns that failure's Status, prefixed "gave up after
// N attempts". Thread-safe when the wrapped client is.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "sky/providers/http_client.h"
#include "sky/types/mutex.h"
#include "sky/types/token_bucket.h"

namespace sky::providers {

// True for 429, 500, 502, 503 and 504.
bool IsRetryableHttpStatus(int status);

// The delay a `Retry-After` header asks for, when it is a whole number of seconds.
// (An HTTP-date value yields nullopt: the exponential backoff applies instead.)
std::optional<std::chrono::milliseconds> ParseRetryAfter(const HttpResponse& response);

struct RetryOptions {
  // Attempts in all, the first included. Must be >= 1. Default: 4.
  int max_attempts = 4;
  // Cap of the first jittered wait; doubles per retry. Default: 200 ms.
  std::chrono::milliseconds base_backoff{200};
  // Largest jittered wait. Default: 20 s.
  std::chrono::milliseconds max_backoff{20'000};
  // Longest Retry-After obeyed; a longer one ends the retries, returning that response.
  // Default: 60 s.
  std::chrono::milliseconds max_retry_after{60'000};
  // Seed of the jitter RNG, so a run can be repeated exactly. Default: 0x5eed.
  uint64_t seed = 0x5eed;
  // How to wait. Default (empty): std::this_thread::sleep_for. Tests record instead.
  std::function<void(std::chrono::milliseconds)> sleep;
  // The provider's token bucket, shared with its other clients; not owned; must outlive this
  // client. Default: none.
  TokenBucket* rate_limiter = nullptr;
  // Whether a response should be retried. Default (empty): IsRetryableHttpStatus(status).
  // Adapters override it when a 5xx carries a non-retryable error (EC2 capacity errors).
  std::function<bool(const HttpResponse&)> is_retryable;
  // Receives one redacted line per retry, and one when it gives up on a retryable response.
  // Default: none.
  std::function<void(std::string_view)> log;
};

class RetryingHttpClient final : public HttpClient {
 public:
  RetryingHttpClient(std::unique_ptr<HttpClient> inner, RetryOptions options);

  Result<HttpResponse> Send(const HttpRequest& request) override;

  // The jittered wait before retry `retry` (1 for the first retry). Advances the RNG.
  std::chrono::milliseconds NextBackoff(int retry) SKY_EXCLUDES(mu_);

 private:
  bool IsRetryable(const HttpResponse& response) const;
  void Log(const std::string& line) const;
  // The wait before retrying the retryable `response` of attempt `attempt`; nullopt (logged)
  // when the retries end with it: attempts exhausted or a Retry-After above the limit.
  std::optional<std::chrono::milliseconds> ResponseRetryDelay(const std::string& what,
                                                              const HttpResponse& response,
                                                              int attempt, int max_attempts);
  void Wait(std::chrono::milliseconds delay) const;
  void WaitForRateLimit() const;

  const std::unique_ptr<HttpClient> inner_;
  const RetryOptions options_;
  Mutex mu_;
  std::mt19937_64 rng_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::providers
