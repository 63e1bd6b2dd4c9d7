// CurlHttpClient against a real local server: round trip, and each transport failure mapped
// to its Status code.
#include "sky/providers/http/curl_http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/test_http_server.h"

namespace sky::providers {
namespace {

using Kind = ScriptedReply::Kind;

std::unique_ptr<TestHttpServer> StartServer(std::vector<ScriptedReply> script) {
  Result<std::unique_ptr<TestHttpServer>> server = TestHttpServer::Start(std::move(script));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

CurlHttpClientOptions FastOptions() {
  CurlHttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.total_timeout = std::chrono::milliseconds(3000);
  return options;
}

TEST(CurlHttpClientTest, RoundTripsMethodHeadersAndBody) {
  auto server = StartServer({ScriptedReply::Respond(201, "created", {{"X-Reply", "yes"}})});
  ASSERT_TRUE(server);
  CurlHttpClient client(FastOptions());
  HttpRequest request;
  request.method = "POST";
  request.url = server->Url("/v1/things?x=1");
  request.headers = {{"Content-Type", "application/json"}, {"X-Empty", ""}};
  request.body = R"({"name":"a"})";
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "created");
  ASSERT_NE(FindHeader(response->headers, "x-reply"), nullptr);
  EXPECT_EQ(*FindHeader(response->headers, "X-Reply"), "yes");

  const std::vector<RecordedRequest> seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1/things?x=1");
  EXPECT_EQ(seen[0].body, R"({"name":"a"})");
  EXPECT_EQ(*FindHeader(seen[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(*FindHeader(seen[0].headers, "X-Empty"), "");
  EXPECT_EQ(*FindHeader(seen[0].headers, "User-Agent"), "skybroker/0.1");
  EXPECT_EQ(FindHeader(seen[0].headers, "Expect"), nullptr);
}

TEST(CurlHttpClientTest, DeleteAndGetWithoutBody) {
  auto server = StartServer({ScriptedReply::Respond(204), ScriptedReply::Respond(200, "ok")});
  ASSERT_TRUE(server);
  CurlHttpClient client(FastOptions());
  HttpRequest request;
  request.method = "DELETE";
  request.url = server->Url("/v1/instances/i-1");
  ASSERT_TRUE(client.Send(request).ok());
  request.method = "GET";
  Result<HttpResponse> got = client.Send(request);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->body, "ok");
  ASSERT_EQ(server->requests().size(), 2u);
  EXPECT_EQ(server->requests()[0].method, "DELETE");
  EXPECT_EQ(server->requests()[1].method, "GET");
}

TEST(CurlHttpClientTest, HttpErrorsAreResponsesNotStatuses) {
  auto server = StartServer({ScriptedReply::Respond(503, "busy")});
  ASSERT_TRUE(server);
  CurlHttpClient client(FastOptions());
  Result<HttpResponse> response = client.Send({"GET", server->Url(), {}, "", true, {}});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST(CurlHttpClientTest, ConnectionRefusedIsUnavailable) {
  std::string url;
  {
    auto server = StartServer({});
    ASSERT_TRUE(server);
    url = server->Url();
  }  // closed: nothing listens on the port any more
  CurlHttpClient client(FastOptions());
  EXPECT_TRUE(client.Send({"GET", url, {}, "", true, {}}).status().IsUnavailable());
}

TEST(CurlHttpClientTest, BodyStallingPastTotalTimeoutIsDeadlineExceeded) {
  auto server = StartServer({ScriptedReply::Of(Kind::kStallBody)});
  ASSERT_TRUE(server);
  CurlHttpClientOptions options = FastOptions();
  options.total_timeout = std::chrono::milliseconds(300);
  CurlHttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = client.Send({"GET", server->Url(), {}, "", true, {}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(response.status().IsDeadlineExceeded()) << response.status().ToString();
  EXPECT_GE(elapsed, std::chrono::milliseconds(290));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

TEST(CurlHttpClientTest, ConnectionClosedMidBodyIsUnavailable) {
  auto server = StartServer({ScriptedReply::Of(Kind::kCloseMidBody)});
  ASSERT_TRUE(server);
  CurlHttpClient client(FastOptions());
  Status status = client.Send({"GET", server->Url(), {}, "", true, {}}).status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
}

TEST(CurlHttpClientTest, ConnectionClosedWithoutResponseIsUnavailable) {
  auto server = StartServer({ScriptedReply::Of(Kind::kCloseAtOnce)});
  ASSERT_TRUE(server);
  CurlHttpClient client(FastOptions());
  Status status = client.Send({"GET", server->Url(), {}, "", true, {}}).status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
}

TEST(CurlHttpClientTest, OversizedBodyIsInternal) {
  auto server = StartServer({ScriptedReply::Respond(200, std::string(5000, 'x'))});
  ASSERT_TRUE(server);
  CurlHttpClientOptions options = FastOptions();
  options.max_response_bytes = 1000;
  CurlHttpClient client(options);
  EXPECT_TRUE(client.Send({"GET", server->Url(), {}, "", true, {}}).status().IsInternal());
}

TEST(CurlHttpClientTest, RejectsOtherSchemesAndHeaderInjection) {
  CurlHttpClient client(FastOptions());
  EXPECT_TRUE(
      client.Send({"GET", "ftp://127.0.0.1/", {}, "", true, {}}).status().IsInvalidArgument());
  HttpRequest injected{"GET", "http://127.0.0.1:1/", {{"X-A", "1\r\nX-B: 2"}}, "", true, {}};
  EXPECT_TRUE(client.Send(injected).status().IsInvalidArgument());
}

TEST(CurlHttpClientTest, LogLinesAndErrorsAreRedacted) {
  auto server = StartServer({ScriptedReply::Of(Kind::kCloseAtOnce)});
  ASSERT_TRUE(server);
  std::vector<std::string> lines;
  CurlHttpClientOptions options = FastOptions();
  options.log = [&lines](std::string_view line) { lines.emplace_back(line); };
  CurlHttpClient client(options);
  HttpRequest request{"GET",
                      server->Url("/?X-Amz-Signature=deadbeef&api_key=sekrit&a=1"),
                      {{"Authorization", "Bearer sekrit-token"}},
                      "",
                      true,
                      {}};
  Status status = client.Send(request).status();
  ASSERT_FALSE(status.ok());
  ASSERT_EQ(lines.size(), 1u);
  for (const std::string& text : {lines[0], status.ToString()}) {
    EXPECT_EQ(text.find("deadbeef"), std::string::npos) << text;
    EXPECT_EQ(text.find("sekrit"), std::string::npos) << text;
    EXPECT_NE(text.find("a=1"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace sky::providers
