#include "api/http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sky::api {
namespace {

HttpRequest Get(const std::string& path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/v1/offers", [](const HttpRequest&, const auto&) {
    return JsonReply(nlohmann::json{{"route", "offers"}});
  });
  router.Add("GET", "/v1/offers/{id}/history", [](const HttpRequest&, const auto& p) {
    return JsonReply(nlohmann::json{{"id", p[0]}});
  });
  router.Add("GET", "/boom", [](const HttpRequest&, const auto&) -> HttpResponse {
    throw std::runtime_error("handler bug");
  });
  router.Add("GET", "/files/*", [](const HttpRequest&, const auto& p) {
    return JsonReply(nlohmann::json{{"rest", p[0]}});
  });
  return router;
}

TEST(RouterTest, MatchesExactAndParameterisedRoutes) {
  Router router = MakeRouter();
  EXPECT_EQ(nlohmann::json::parse(router.Dispatch(Get("/v1/offers")).body)["route"], "offers");
  // An offer id with '/' and '+' travels %2F-encoded in one segment; '+' stays '+'.
  auto r = router.Dispatch(Get("/v1/offers/gcp:us-central1%2Fn1-highmem-8+T4x1%2Fspot/history"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["id"], "gcp:us-central1/n1-highmem-8+T4x1/spot");
  EXPECT_EQ(nlohmann::json::parse(router.Dispatch(Get("/files/a/b.js")).body)["rest"], "a/b.js");
}

TEST(RouterTest, PatternForNamesTheRouteNotThePath) {
  Router router = MakeRouter();
  EXPECT_EQ(router.PatternFor(Get("/v1/offers/aws:us-east-1%2Fp5%2Fspot/history")),
            "/v1/offers/{id}/history");
  EXPECT_EQ(router.PatternFor(Get("/files/a/b.js")), "/files/*");
  EXPECT_EQ(router.PatternFor(Get("/v2/nothing")), "");
  HttpRequest post = Get("/v1/offers");
  post.method = "POST";  // 405, still counted under its route
  EXPECT_EQ(router.PatternFor(post), "/v1/offers");
}

TEST(RouterTest, UnknownPathIs404WithJsonError) {
  auto r = MakeRouter().Dispatch(Get("/v2/nothing"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "not_found");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  HttpRequest req = Get("/v1/offers");
  req.method = "DELETE";
  auto r = MakeRouter().Dispatch(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["Allow"], "GET");
}

TEST(RouterTest, HandlerExceptionBecomes500WithoutDetails) {
  auto r = MakeRouter().Dispatch(Get("/boom"));
  EXPECT_EQ(r.status, 500);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "internal");
  EXPECT_EQ(body["error"]["message"], "internal error");  // never the exception text
}

// Found by fuzzing (tests/fuzz/regressions/offers_query): an error message quoting client
// input with invalid UTF-8 made dump() throw, and a 400 became a 500.
TEST(RouterTest, ErrorsQuotingInvalidUtf8StayJson) {
  Router router = MakeRouter();
  router.Add("GET", "/bad", [](const HttpRequest&, const auto&) {
    return JsonReply(Status::InvalidArgument("unknown parameter 'a\xff\xc3'"));
  });
  auto bad = router.Dispatch(Get("/bad"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["message"],
            "unknown parameter 'a\xef\xbf\xbd\xef\xbf\xbd'");  // U+FFFD each
  auto missing = router.Dispatch(Get("/v2/\xff"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(nlohmann::json::accept(missing.body));
  HttpRequest post = Get("/v1/offers/\xff/history");
  post.method = "POST";
  auto not_allowed = router.Dispatch(post);
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_TRUE(nlohmann::json::accept(not_allowed.body));
}

}  // namespace
}  // namespace sky::api
