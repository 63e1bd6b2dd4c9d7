// BearerJsonClient over a recording in-process HttpClient: the headers it sets, which methods
// it marks idempotent, and how error responses and transport failures come back.
#include "providers/rest/bearer_json_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace sky::providers::rest {
namespace {

// Records every request and answers with a fixed result.
class RecordingClient final : public HttpClient {
 public:
  RecordingClient(Result<HttpResponse> answer, std::vector<HttpRequest>* seen)
      : answer_(std::move(answer)), seen_(seen) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    seen_->push_back(request);
    return answer_;
  }

 private:
  const Result<HttpResponse> answer_;
  std::vector<HttpRequest>* seen_;
};

Status ConflictAsQuota(int http_status, std::string_view body) {
  if (http_status == 409) return Status::ResourceExhausted(std::string(body)).WithReason("quota");
  return StatusForHttpError(http_status, std::string(body));
}

class RestBearerJsonClientTest : public ::testing::Test {
 protected:
  BearerJsonClient Make(Result<HttpResponse> answer) {
    return BearerJsonClient(std::make_unique<RecordingClient>(std::move(answer), &seen_), "k-1",
                            "application/json", ConflictAsQuota);
  }
  std::vector<HttpRequest> seen_;
};

TEST_F(RestBearerJsonClientTest, SendsBearerAcceptAndJsonBody) {
  BearerJsonClient client = Make(HttpResponse{200, {}, "{}"});
  Result<HttpResponse> response = client.Call("POST", "http://127.0.0.1:1/launch", "{\"a\":1}");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, "{}");
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].method, "POST");
  EXPECT_EQ(seen_[0].url, "http://127.0.0.1:1/launch");
  EXPECT_EQ(*FindHeader(seen_[0].headers, "Authorization"), "Bearer k-1");
  EXPECT_EQ(*FindHeader(seen_[0].headers, "Accept"), "application/json");
  EXPECT_EQ(*FindHeader(seen_[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(seen_[0].body, "{\"a\":1}");
}

TEST_F(RestBearerJsonClientTest, OnlyGetAndDeleteAreIdempotent) {
  BearerJsonClient client = Make(HttpResponse{200, {}, ""});
  for (const char* method : {"GET", "DELETE", "POST", "PUT", "PATCH"}) {
    ASSERT_TRUE(client.Call(method, "http://127.0.0.1:1/x", "").ok());
  }
  ASSERT_EQ(seen_.size(), 5u);
  EXPECT_TRUE(seen_[0].idempotent);
  EXPECT_TRUE(seen_[1].idempotent);
  EXPECT_FALSE(seen_[2].idempotent);
  EXPECT_FALSE(seen_[3].idempotent);
  EXPECT_FALSE(seen_[4].idempotent);
  EXPECT_EQ(FindHeader(seen_[0].headers, "Content-Type"), nullptr) << "no body, no type";
}

TEST_F(RestBearerJsonClientTest, ErrorStatusGoesThroughTheAdaptersMapper) {
  Status quota = Make(HttpResponse{409, {}, "over"}).Call("GET", "http://h/", "").status();
  EXPECT_TRUE(quota.IsResourceExhausted()) << quota.ToString();
  EXPECT_EQ(quota.reason(), "quota");
  EXPECT_TRUE(Make(HttpResponse{404, {}, ""}).Call("GET", "http://h/", "").status().IsNotFound());
  EXPECT_TRUE(Make(HttpResponse{302, {}, ""}).Call("GET", "http://h/", "").status().IsInternal());
}

TEST_F(RestBearerJsonClientTest, TransportFailureIsReturnedAsIs) {
  Status status = Make(Status::DeadlineExceeded("timeout")).Call("GET", "http://h/", "").status();
  EXPECT_TRUE(status.IsDeadlineExceeded()) << status.ToString();
}

}  // namespace
}  // namespace sky::providers::rest
