// The retrying client over libcurl against a scripted local server: 500 then 200, 503 until
// attempts run out (the last response is handed back), 429 with Retry-After, a body stalling past
// the timeout, connections closed mid-response, and the idempotency rules. Sleeps are recorded, not
// slept.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sky/providers/http/curl_http_client.h"
#include "sky/providers/http/retrying_http_client.h"
#include "tests/support/test_http_server.h"

namespace sky::providers {
namespace {

using std::chrono::milliseconds;
using Kind = ScriptedReply::Kind;

class HttpFaultTest : public ::testing::Test {
 protected:
  // Starts the server with `script` and builds curl + retry with `max_attempts`.
  void Start(std::vector<ScriptedReply> script, int max_attempts = 4,
             milliseconds total_timeout = milliseconds(3000)) {
    Result<std::unique_ptr<TestHttpServer>> server = TestHttpServer::Start(std::move(script));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    CurlHttpClientOptions curl;
    curl.connect_timeout = milliseconds(2000);
    curl.total_timeout = total_timeout;
    RetryOptions retry;
    retry.max_attempts = max_attempts;
    retry.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
    retry.log = [this](std::string_view line) { log_.emplace_back(line); };
    client_ = std::make_unique<RetryingHttpClient>(std::make_unique<CurlHttpClient>(curl), retry);
  }

  HttpRequest Get() const { return {"GET", server_->Url("/v1/things"), {}, "", true, {}}; }
  HttpRequest Post(std::optional<std::string> key) const {
    return {"POST", server_->Url("/"), {}, "Action=RunInstances&ClientToken=abc",
            false,  std::move(key)};
  }

  std::unique_ptr<TestHttpServer> server_;
  std::unique_ptr<RetryingHttpClient> client_;
  std::vector<milliseconds> sleeps_;
  std::vector<std::string> log_;
};

TEST_F(HttpFaultTest, ServerErrorThenSuccessIsRetried) {
  Start({ScriptedReply::Respond(500, "oops"), ScriptedReply::Respond(200, "fine")});
  Result<HttpResponse> response = client_->Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "fine");
  EXPECT_EQ(server_->connections(), 2);
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_LE(sleeps_[0], milliseconds(200));  // first retry: full jitter in [0, base]
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("HTTP 500"), std::string::npos);
}

// Giving up hands the last response back for the adapter to map by its own codes (here the
// default mapping: Unavailable), so no caller needs to read a code back out of a message.
TEST_F(HttpFaultTest, ServiceUnavailableUntilAttemptsRunOutReturnsTheLastResponse) {
  Start({ScriptedReply::Respond(503, "slow down")}, /*max_attempts=*/3);
  Result<HttpResponse> response = client_->Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "slow down");
  EXPECT_TRUE(StatusForHttpError(response->status, response->body).IsUnavailable());
  EXPECT_EQ(server_->connections(), 3);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LE(sleeps_[0], milliseconds(200));
  EXPECT_LE(sleeps_[1], milliseconds(400));
  ASSERT_EQ(log_.size(), 3u);  // two retries, then giving up
  EXPECT_NE(log_[2].find("HTTP 503; gave up after 3 attempts"), std::string::npos) << log_[2];
}

TEST_F(HttpFaultTest, TooManyRequestsHonoursRetryAfter) {
  Start({ScriptedReply::Respond(429, "throttled", {{"Retry-After", "1"}}),
         ScriptedReply::Respond(200, "ok")});
  Result<HttpResponse> response = client_->Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(server_->connections(), 2);
  EXPECT_EQ(sleeps_, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(HttpFaultTest, BodyStallingPastTimeoutGivesUpWithDeadlineExceeded) {
  Start({ScriptedReply::Of(Kind::kStallBody)}, /*max_attempts=*/2, milliseconds(250));
  Result<HttpResponse> response = client_->Send(Get());
  EXPECT_TRUE(response.status().IsDeadlineExceeded()) << response.status().ToString();
  EXPECT_EQ(server_->connections(), 2);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(HttpFaultTest, ConnectionClosedMidResponseIsRetried) {
  Start({ScriptedReply::Of(Kind::kCloseMidBody), ScriptedReply::Respond(200, "whole")});
  Result<HttpResponse> response = client_->Send(Get());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "whole");
  EXPECT_EQ(server_->connections(), 2);
}

TEST_F(HttpFaultTest, ConnectionsAlwaysClosedGiveUpWithUnavailable) {
  Start({ScriptedReply::Of(Kind::kCloseAtOnce)}, /*max_attempts=*/3);
  Result<HttpResponse> response = client_->Send(Get());
  EXPECT_TRUE(response.status().IsUnavailable()) << response.status().ToString();
  EXPECT_NE(response.status().message().find("gave up after 3 attempts"), std::string::npos);
  EXPECT_EQ(server_->connections(), 3);
}

TEST_F(HttpFaultTest, NonIdempotentPostWithoutKeyIsNeverRetried) {
  Start({ScriptedReply::Respond(503, "busy"), ScriptedReply::Respond(200, "created")});
  Result<HttpResponse> response = client_->Send(Post(std::nullopt));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503) << "handed back for the adapter to map";
  EXPECT_EQ(server_->connections(), 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HttpFaultTest, NonIdempotentPostWithoutKeyIsNotRetriedAfterTransportFailure) {
  Start({ScriptedReply::Of(Kind::kCloseAtOnce), ScriptedReply::Respond(200, "created")});
  EXPECT_TRUE(client_->Send(Post(std::nullopt)).status().IsUnavailable());
  EXPECT_EQ(server_->connections(), 1);
}

TEST_F(HttpFaultTest, PostWithIdempotencyKeyIsRetriedWithTheSameBody) {
  Start({ScriptedReply::Respond(503, "busy"), ScriptedReply::Of(Kind::kCloseMidBody),
         ScriptedReply::Respond(200, "created")});
  Result<HttpResponse> response = client_->Send(Post(std::string("abc")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "created");
  const std::vector<RecordedRequest> seen = server_->requests();
  ASSERT_EQ(seen.size(), 3u);
  for (const RecordedRequest& request : seen) {
    EXPECT_EQ(request.body, "Action=RunInstances&ClientToken=abc");
  }
}

TEST_F(HttpFaultTest, ClientErrorsAreNotRetried) {
  Start({ScriptedReply::Respond(400, "bad"), ScriptedReply::Respond(200, "ok")});
  Result<HttpResponse> response = client_->Send(Get());
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(server_->connections(), 1);
}

TEST_F(HttpFaultTest, RetryLogLinesCarryNoSecrets) {
  Start({ScriptedReply::Respond(500), ScriptedReply::Respond(200)});
  HttpRequest request = Get();
  request.url = server_->Url("/?X-Amz-Credential=AKIDEXAMPLE%2F20150830&X-Amz-Signature=f00d");
  request.headers = {{"Authorization", "AWS4-HMAC-SHA256 Signature=f00d"}};
  ASSERT_TRUE(client_->Send(request).ok());
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0].find("f00d"), std::string::npos) << log_[0];
  EXPECT_EQ(log_[0].find("AKIDEXAMPLE"), std::string::npos) << log_[0];
}

}  // namespace
}  // namespace sky::providers
