#pragma once
// Configuration plumbing shared by the REST adapters that take an endpoint and an API key
// from the environment (Lambda, RunPod): environment lookups with a default, the system
// clock as ISO 8601, endpoint checks, and the default retrying libcurl client. Thread-safe.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "sky/providers/http_client.h"

namespace sky::providers::rest {

// The environment variable `name` when it is set and not empty, else `fallback`.
std::string EnvOr(const char* name, std::string_view fallback);

// The current UTC time of the system clock as ISO 8601 ("2026-11-22T00:00:00Z"): the default
// `utc_now` of the adapters' configs, for Offer::observed_at.
std::string SystemUtcNow();

// `url` without its trailing slashes.
std::string TrimTrailingSlashes(std::string url);

// True when `url` starts with "http://" or "https://".
bool IsHttpUrl(std::string_view url);

// A CurlHttpClient with these timeouts inside a RetryingHttpClient with the default
// RetryOptions (429 and 5xx retried for idempotent requests only).
std::unique_ptr<HttpClient> NewRetryingCurlClient(std::chrono::milliseconds connect_timeout,
                                                  std::chrono::milliseconds total_timeout);

}  // namespace sky::providers::rest
