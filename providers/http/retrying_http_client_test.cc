// RetryingHttpClient over a scripted in-process HttpClient: backoff bounds and determinism,
// Retry-After limits, giving up with the last response, classifier, rate limiting on a
// ManualClock.
#include "sky/providers/http/retrying_http_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sky::providers {
namespace {

using std::chrono::milliseconds;

// Answers from a queue (the last answer repeats) and counts calls.
class ScriptedClient final : public HttpClient {
 public:
  explicit ScriptedClient(std::deque<Result<HttpResponse>> answers, int* calls)
      : answers_(std::move(answers)), calls_(calls) {}
  Result<HttpResponse> Send(const HttpRequest&) override {
    ++*calls_;
    Result<HttpResponse> answer = answers_.front();
    if (answers_.size() > 1) answers_.pop_front();
    return answer;
  }

 private:
  std::deque<Result<HttpResponse>> answers_;
  int* calls_;
};

HttpResponse Reply(int status, HttpHeaders headers = {}, std::string body = "") {
  return {status, std::move(headers), std::move(body)};
}

class RetryingHttpClientTest : public ::testing::Test {
 protected:
  RetryingHttpClient Make(std::deque<Result<HttpResponse>> answers, RetryOptions options = {}) {
    options.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
    return RetryingHttpClient(std::make_unique<ScriptedClient>(std::move(answers), &calls_),
                              std::move(options));
  }
  static HttpRequest Get() { return {"GET", "http://127.0.0.1:1/", {}, "", true, {}}; }

  int calls_ = 0;
  std::vector<milliseconds> sleeps_;
};

TEST_F(RetryingHttpClientTest, FullJitterStaysUnderTheDoublingCap) {
  RetryOptions options;
  options.base_backoff = milliseconds(100);
  options.max_backoff = milliseconds(1000);
  RetryingHttpClient client = Make({Reply(200)}, options);
  for (int retry = 1; retry <= 6; ++retry) {
    const long long cap = std::min(1000LL, 100LL << (retry - 1));
    long long largest = 0;
    for (int i = 0; i < 400; ++i) {
      const long long wait = client.NextBackoff(retry).count();
      ASSERT_GE(wait, 0);
      ASSERT_LE(wait, cap);
      largest = std::max(largest, wait);
    }
    EXPECT_GE(largest, cap * 9 / 10) << "jitter spreads over the whole [0, cap] range";
  }
}

TEST_F(RetryingHttpClientTest, SameSeedSameWaits) {
  RetryOptions options;
  options.seed = 7;
  RetryingHttpClient a = Make({Reply(200)}, options);
  RetryingHttpClient b = Make({Reply(200)}, options);
  options.seed = 8;
  RetryingHttpClient c = Make({Reply(200)}, options);
  std::vector<long long> wa, wb, wc;
  for (int retry = 1; retry <= 8; ++retry) {
    wa.push_back(a.NextBackoff(retry).count());
    wb.push_back(b.NextBackoff(retry).count());
    wc.push_back(c.NextBackoff(retry).count());
  }
  EXPECT_EQ(wa, wb);
  EXPECT_NE(wa, wc);
}

TEST_F(RetryingHttpClientTest, RetryAfterLongerThanAllowedGivesUpAtOnceWithTheResponse) {
  RetryOptions options;
  options.max_retry_after = milliseconds(5000);
  RetryingHttpClient client = Make({Reply(429, {{"Retry-After", "3600"}}, "slow")}, options);
  Result<HttpResponse> response = client.Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "slow");
  EXPECT_EQ(StatusForHttpError(response->status, "").reason(), "throttled");
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(RetryingHttpClientTest, ExhaustedRetriesReturnTheLastRetryableResponse) {
  RetryOptions options;
  options.max_attempts = 3;
  options.base_backoff = milliseconds(100);
  std::vector<std::string> log;
  options.log = [&log](std::string_view line) { log.emplace_back(line); };
  RetryingHttpClient client =
      Make({Reply(503, {}, "first"), Reply(500, {}, "second"), Reply(429, {}, "last")}, options);
  Result<HttpResponse> response = client.Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->body, "last");
  EXPECT_EQ(calls_, 3);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LE(sleeps_[0], milliseconds(100));
  EXPECT_LE(sleeps_[1], milliseconds(200));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_NE(log[2].find("HTTP 429; gave up after 3 attempts"), std::string::npos) << log[2];
}

TEST_F(RetryingHttpClientTest, ExhaustedTransportFailuresStayAStatus) {
  RetryOptions options;
  options.max_attempts = 2;
  RetryingHttpClient client = Make({Status::Unavailable("reset")}, options);
  Status status = client.Send(Get()).status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
  EXPECT_NE(status.message().find("gave up after 2 attempts"), std::string::npos);
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(RetryingHttpClientTest, ClassifierKeepsCapacityErrorsForTheAdapter) {
  RetryOptions options;
  options.is_retryable = [](const HttpResponse& r) {
    return IsRetryableHttpStatus(r.status) &&
           r.body.find("InsufficientInstanceCapacity") == std::string::npos;
  };
  RetryingHttpClient client =
      Make({Reply(500, {}, "<Code>InsufficientInstanceCapacity</Code>")}, options);
  Result<HttpResponse> response = client.Send(Get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(calls_, 1);
}

TEST_F(RetryingHttpClientTest, NonTransientFailuresAreNotRetried) {
  RetryingHttpClient client = Make({Status::InvalidArgument("bad url")});
  EXPECT_TRUE(client.Send(Get()).status().IsInvalidArgument());
  EXPECT_EQ(calls_, 1);
}

TEST_F(RetryingHttpClientTest, EmptyIdempotencyKeyDoesNotMakeARequestRetryable) {
  RetryingHttpClient client = Make({Reply(503), Reply(200)});
  HttpRequest post{"POST", "http://127.0.0.1:1/", {}, "x", false, std::string()};
  Result<HttpResponse> response = client.Send(post);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(calls_, 1);
}

TEST_F(RetryingHttpClientTest, SingleAttemptNeverRetries) {
  RetryOptions options;
  options.max_attempts = 1;
  RetryingHttpClient client = Make({Status::Unavailable("reset"), Reply(200)}, options);
  EXPECT_TRUE(client.Send(Get()).status().IsUnavailable());
  EXPECT_EQ(calls_, 1);
}

TEST_F(RetryingHttpClientTest, RateLimiterSpacesRequestsOnTheProviderClock) {
  ManualClock clock(100);
  TokenBucket limiter(clock, {/*rate_per_second=*/2, /*burst=*/2});
  RetryOptions options;
  options.rate_limiter = &limiter;
  // Waiting advances the virtual clock, as real sleeping would advance real time.
  auto sleep = [&clock, this](milliseconds d) {
    sleeps_.push_back(d);
    clock.Advance(d.count() / 1000.0);
  };
  options.sleep = sleep;
  RetryingHttpClient timed(
      std::make_unique<ScriptedClient>(std::deque<Result<HttpResponse>>{Reply(200)}, &calls_),
      options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(timed.Send(Get()).ok());
  // Burst of 2 goes at once; then one request every 500 ms.
  EXPECT_EQ(sleeps_,
            (std::vector<milliseconds>{milliseconds(500), milliseconds(500), milliseconds(500)}));
  EXPECT_DOUBLE_EQ(clock.NowSeconds(), 101.5);
}

TEST(RetryAfterTest, ParsesSecondsOnly) {
  EXPECT_EQ(ParseRetryAfter({429, {{"retry-after", " 7 "}}, ""}), milliseconds(7000));
  EXPECT_EQ(ParseRetryAfter({429, {{"Retry-After", "0"}}, ""}), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter({429, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, ""}));
  EXPECT_FALSE(ParseRetryAfter({429, {{"Retry-After", "-1"}}, ""}));
  EXPECT_FALSE(ParseRetryAfter({429, {}, ""}));
}

TEST(RetryableStatusTest, ThrottlingAndServerErrorsOnly) {
  for (int code : {429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableHttpStatus(code)) << code;
  for (int code : {200, 301, 400, 401, 403, 404, 409, 501}) {
    EXPECT_FALSE(IsRetryableHttpStatus(code)) << code;
  }
}

TEST(StatusForHttpErrorTest, MapsToActionableCodes) {
  EXPECT_TRUE(StatusForHttpError(400, "").IsInvalidArgument());
  EXPECT_TRUE(StatusForHttpError(422, "").IsInvalidArgument());
  EXPECT_TRUE(StatusForHttpError(401, "").IsUnauthenticated());
  EXPECT_TRUE(StatusForHttpError(403, "").IsPermissionDenied());
  EXPECT_TRUE(StatusForHttpError(404, "").IsNotFound());
  EXPECT_TRUE(StatusForHttpError(409, "").IsAlreadyExists());
  EXPECT_TRUE(StatusForHttpError(429, "").IsUnavailable());
  EXPECT_EQ(StatusForHttpError(429, "").reason(), "throttled");
  EXPECT_TRUE(StatusForHttpError(503, "").IsUnavailable());
  EXPECT_TRUE(StatusForHttpError(302, "").IsInternal());
}

}  // namespace
}  // namespace sky::providers
