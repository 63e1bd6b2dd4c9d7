#include "providers/rest/rest_config.h"

#include <cstdlib>
#include <ctime>
#include <utility>

#include "sky/providers/http/curl_http_client.h"
#include "sky/providers/http/retrying_http_client.h"
#include "sky/types/civil_time.h"

namespace sky::providers::rest {

std::string EnvOr(const char* name, std::string_view fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? std::string(value) : std::string(fallback);
}

std::string SystemUtcNow() { return FormatIsoUtc(static_cast<int64_t>(std::time(nullptr))); }

std::string TrimTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool IsHttpUrl(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::unique_ptr<HttpClient> NewRetryingCurlClient(std::chrono::milliseconds connect_timeout,
                                                  std::chrono::milliseconds total_timeout) {
  CurlHttpClientOptions options;
  options.connect_timeout = connect_timeout;
  options.total_timeout = total_timeout;
  auto curl = std::make_unique<CurlHttpClient>(std::move(options));
  return std::make_unique<RetryingHttpClient>(std::move(curl), RetryOptions{});
}

}  // namespace sky::providers::rest
