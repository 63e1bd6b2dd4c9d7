#include "sky/providers/http/retrying_http_client.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <thread>
#include <utility>

#include "providers/http/redact.h"

namespace sky::providers {
namespace {

std::string Attempts(int n) { return std::to_string(n) + (n == 1 ? " attempt" : " attempts"); }

// Why and how long to wait before the next attempt.
struct Verdict {
  std::chrono::milliseconds delay{0};
  std::string reason;  // why another attempt is made, for the log
};

}  // namespace

bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(const HttpResponse& response) {
  const std::string* value = FindHeader(response.headers, "Retry-After");
  if (value == nullptr) return std::nullopt;
  std::string_view digits(*value);
  while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
  while (!digits.empty() && digits.back() == ' ') digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  long long seconds = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::milliseconds(seconds * 1000);
}

RetryingHttpClient::RetryingHttpClient(std::unique_ptr<HttpClient> inner, RetryOptions options)
    : inner_(std::move(inner)), options_(std::move(options)), rng_(options_.seed) {}

std::chrono::milliseconds RetryingHttpClient::NextBackoff(int retry) {
  const int doublings = std::clamp(retry - 1, 0, 30);
  const long long base = std::max<long long>(0, options_.base_backoff.count());
  const long long cap = std::min<long long>(options_.max_backoff.count(), base << doublings);
  std::uniform_int_distribution<long long> jitter(0, std::max<long long>(0, cap));
  MutexLock lock(mu_);
  return std::chrono::milliseconds(jitter(rng_));
}

bool RetryingHttpClient::IsRetryable(const HttpResponse& response) const {
  return options_.is_retryable ? options_.is_retryable(response)
                               : IsRetryableHttpStatus(response.status);
}

void RetryingHttpClient::Wait(std::chrono::milliseconds delay) const {
  if (delay.count() <= 0) return;
  if (options_.sleep) {
    options_.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

void RetryingHttpClient::WaitForRateLimit() const {
  if (options_.rate_limiter == nullptr) return;
  const double seconds = options_.rate_limiter->Reserve();
  if (seconds > 0) Wait(std::chrono::milliseconds(static_cast<long long>(seconds * 1000 + 0.999)));
}

void RetryingHttpClient::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

std::optional<std::chrono::milliseconds> RetryingHttpClient::ResponseRetryDelay(
    const std::string& what, const HttpResponse& response, int attempt, int max_attempts) {
  const std::string http = what + ": HTTP " + std::to_string(response.status);
  if (attempt >= max_attempts) {
    Log(http + "; gave up after " + Attempts(attempt));
    return std::nullopt;
  }
  const auto retry_after = ParseRetryAfter(response);
  if (retry_after && *retry_after > options_.max_retry_after) {
    Log(http + " with Retry-After " + std::to_string(retry_after->count() / 1000) +
        " s, longer than allowed; gave up after " + Attempts(attempt));
    return std::nullopt;
  }
  return retry_after ? *retry_after : NextBackoff(attempt);
}

Result<HttpResponse> RetryingHttpClient::Send(const HttpRequest& request) {
  const bool may_retry = request.idempotent ||
                         (request.idempotency_key.has_value() && !request.idempotency_key->empty());
  const int max_attempts = std::max(1, options_.max_attempts);
  const std::string what = request.method + " " + RedactUrl(request.url);
  for (int attempt = 1;; ++attempt) {
    WaitForRateLimit();
    Result<HttpResponse> result = inner_->Send(request);
    Verdict verdict;
    if (!may_retry) return result;
    if (!result.ok()) {
      const Status& status = result.status();
      if (!status.IsUnavailable() && !status.IsDeadlineExceeded()) return result;
      if (attempt >= max_attempts) return status.WithPrefix("gave up after " + Attempts(attempt));
      verdict.delay = NextBackoff(attempt);
      verdict.reason = RedactText(status.ToString());
    } else {
      if (!IsRetryable(*result)) return result;
      const auto delay = ResponseRetryDelay(what, *result, attempt, max_attempts);
      // Giving up hands the last response back, so the adapter maps it with its own error
      // codes (a throttling code stays "throttled") instead of reading them from a message.
      if (!delay) return result;
      verdict.delay = *delay;
      verdict.reason = "HTTP " + std::to_string(result->status);
    }
    Log(what + ": " + verdict.reason + "; retry " + std::to_string(attempt) + " of " +
        std::to_string(max_attempts - 1) + " in " + std::to_string(verdict.delay.count()) + " ms");
    Wait(verdict.delay);
  }
}

}  // namespace sky::providers
