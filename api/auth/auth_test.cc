#include "api/auth/auth.h"

#include <gtest/gtest.h>

#include <sstream>

#include "api/http/access_log.h"

namespace sky::api {
namespace {

using nlohmann::json;

HttpResponse Echo(const HttpRequest& req, const std::vector<std::string>&) {
  return JsonReply(json{{"tenant", req.principal.tenant},
                        {"role", std::string(RoleName(req.principal.role))},
                        {"token_id", req.principal.token_id}});
}

class AuthLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = TokenStore::Open(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    user_a_ = Mint("a", "user");
    viewer_a_ = Mint("a", "viewer");
    admin_ = Mint("default", "admin");
  }

  std::string Mint(const std::string& tenant, const std::string& role) {
    const MintedToken minted = MintApiToken();
    auto record = store_->Create(tenant, role, minted.hash, clock_.NowSeconds());
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    ids_[minted.token] = record.ok() ? record->id : "";
    return minted.token;
  }

  std::unique_ptr<AuthLayer> Layer(AuthOptions options = {}) {
    auto layer = std::make_unique<AuthLayer>(options, store_.get(), clock_, &log_);
    for (const char* route :
         {"/healthz", "/v1/offers", "/v1/pipelines", "/v1/pipelines/{id}", "/metrics", "/web/*"}) {
      layer->Add("GET", route, Echo);
    }
    layer->Add("POST", "/v1/pipelines", Echo);
    layer->Add("DELETE", "/v1/pipelines/{id}", Echo);
    layer->Add("POST", "/v1/catalog/ingest", Echo);
    layer->Add("POST", "/v1/pipelines/{id}/stages/{stage}/heartbeat", Echo);
    return layer;
  }

  static HttpRequest Req(const std::string& method, const std::string& path,
                         const std::string& token = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.remote_address = "127.0.0.1";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return r;
  }

  static json Body(const HttpResponse& r) { return json::parse(r.body, nullptr, false); }

  ManualClock clock_{1'700'000'000};
  std::ostringstream log_text_;
  AccessLog log_{log_text_};
  std::unique_ptr<TokenStore> store_;
  std::map<std::string, std::string> ids_;
  std::string user_a_, viewer_a_, admin_;
};

TEST(AuthPolicyTest, TableGivesEachRouteItsRole) {
  EXPECT_EQ(AccessFor("GET", "/healthz"), Access::kPublic);
  EXPECT_EQ(AccessFor("GET", "/"), Access::kPublic);
  EXPECT_EQ(AccessFor("GET", "/web/app.js"), Access::kPublic);
  EXPECT_EQ(AccessFor("GET", "/examples/quickstart.json"), Access::kPublic);
  EXPECT_EQ(AccessFor("POST", "/v1/pipelines/p1/stages/train/heartbeat"), Access::kExempt);
  EXPECT_EQ(AccessFor("GET", "/v1/offers"), Access::kCatalog);
  EXPECT_EQ(AccessFor("GET", "/v1/offers/x%2Fy/history"), Access::kCatalog);
  EXPECT_EQ(AccessFor("GET", "/v1/accelerators"), Access::kCatalog);
  EXPECT_EQ(AccessFor("GET", "/metrics"), Access::kViewer);
  EXPECT_EQ(AccessFor("GET", "/v1/pipelines/p1"), Access::kViewer);
  EXPECT_EQ(AccessFor("GET", "/v1/operations/op1"), Access::kViewer);
  EXPECT_EQ(AccessFor("POST", "/v1/plans"), Access::kUser);
  EXPECT_EQ(AccessFor("POST", "/v1/pipelines"), Access::kUser);
  EXPECT_EQ(AccessFor("DELETE", "/v1/pipelines/p1"), Access::kUser);
  EXPECT_EQ(AccessFor("POST", "/v1/replays"), Access::kUser);
  EXPECT_EQ(AccessFor("POST", "/v1/catalog/ingest"), Access::kAdmin);
  EXPECT_EQ(AccessFor("POST", "/v1/catalog/refresh"), Access::kAdmin);
  // Writes nobody listed fail closed.
  EXPECT_EQ(AccessFor("PUT", "/v1/anything"), Access::kAdmin);
  EXPECT_EQ(AccessFor("DELETE", "/v1/operations/op1"), Access::kAdmin);
}

TEST(AuthTokenTest, MintedTokensHaveAPrefixAndAreHashedWithSha256) {
  const MintedToken a = MintApiToken();
  EXPECT_EQ(a.token.rfind("sky_", 0), 0u);
  EXPECT_EQ(a.token.size(), 4u + 64u);
  EXPECT_EQ(a.hash, HashApiToken(a.token));
  EXPECT_NE(a.token, MintApiToken().token);
  EXPECT_EQ(HashApiToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AuthLayerTest, MissingOrMalformedHeaderIs401WithChallenge) {
  auto layer = Layer();
  HttpResponse r = layer->Dispatch(Req("GET", "/v1/pipelines"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["WWW-Authenticate"], "Bearer realm=\"skybroker\"");
  EXPECT_EQ(Body(r)["error"]["code"], "unauthenticated");
  EXPECT_TRUE(Body(r)["error"]["details"].is_array());
  for (const char* value : {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b"}) {
    HttpRequest req = Req("GET", "/v1/pipelines");
    req.headers["authorization"] = value;
    HttpResponse bad = layer->Dispatch(req);
    EXPECT_EQ(bad.status, 401) << value;
    EXPECT_NE(Body(bad)["error"]["message"].get<std::string>().find("malformed"), std::string::npos)
        << value;
  }
}

TEST_F(AuthLayerTest, UnknownTokenIs401InvalidToken) {
  HttpResponse r = Layer()->Dispatch(Req("GET", "/v1/pipelines", "sky_" + std::string(64, '0')));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["WWW-Authenticate"], "Bearer realm=\"skybroker\", error=\"invalid_token\"");
  EXPECT_EQ(Body(r)["error"]["message"], "unknown or revoked token");
}

TEST_F(AuthLayerTest, ValidTokenSetsThePrincipal) {
  HttpResponse r = Layer()->Dispatch(Req("GET", "/v1/pipelines", user_a_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["tenant"], "a");
  EXPECT_EQ(Body(r)["role"], "user");
  EXPECT_EQ(Body(r)["token_id"], ids_[user_a_]);
  // The scheme is case-insensitive.
  HttpRequest lower = Req("GET", "/v1/pipelines");
  lower.headers["authorization"] = "bearer " + user_a_;
  EXPECT_EQ(Layer()->Dispatch(lower).status, 200);
}

TEST_F(AuthLayerTest, RoleTooLowIs403NamingTheRole) {
  auto layer = Layer();
  HttpResponse r = layer->Dispatch(Req("POST", "/v1/pipelines", viewer_a_));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "permission_denied");
  EXPECT_NE(r.body.find("needs the user role"), std::string::npos) << r.body;
  EXPECT_EQ(layer->Dispatch(Req("POST", "/v1/pipelines", user_a_)).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("DELETE", "/v1/pipelines/p1", viewer_a_)).status, 403);
  HttpResponse ingest = layer->Dispatch(Req("POST", "/v1/catalog/ingest", user_a_));
  EXPECT_EQ(ingest.status, 403);
  EXPECT_NE(ingest.body.find("needs the admin role"), std::string::npos) << ingest.body;
  EXPECT_EQ(layer->Dispatch(Req("POST", "/v1/catalog/ingest", admin_)).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/metrics", viewer_a_)).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/metrics")).status, 401);
}

TEST_F(AuthLayerTest, PublicRoutesAndTheExemptHeartbeat) {
  auto layer = Layer();
  HttpResponse health = layer->Dispatch(Req("GET", "/healthz"));
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(Body(health)["tenant"], "");  // anonymous, not the default admin
  EXPECT_EQ(Body(health)["role"], "viewer");
  EXPECT_EQ(layer->Dispatch(Req("GET", "/web/app.js")).status, 200);
  // A bad token on a public route is ignored; a good one names the tenant.
  EXPECT_EQ(layer->Dispatch(Req("GET", "/healthz", "sky_nope")).status, 200);
  EXPECT_EQ(Body(layer->Dispatch(Req("GET", "/healthz", user_a_)))["tenant"], "a");
  // The heartbeat handler checks its stage token itself.
  HttpResponse beat = layer->Dispatch(Req("POST", "/v1/pipelines/p/stages/s/heartbeat"));
  EXPECT_EQ(beat.status, 200);
  EXPECT_EQ(Body(beat)["tenant"], "");
}

TEST_F(AuthLayerTest, CatalogReadsArePublicOnlyWhenConfigured) {
  EXPECT_EQ(Layer()->Dispatch(Req("GET", "/v1/offers")).status, 401);
  EXPECT_EQ(Layer()->Dispatch(Req("GET", "/v1/offers", viewer_a_)).status, 200);
  AuthOptions options;
  options.public_catalog = true;
  EXPECT_EQ(Layer(options)->Dispatch(Req("GET", "/v1/offers")).status, 200);
  EXPECT_EQ(Layer(options)->Dispatch(Req("GET", "/v1/pipelines")).status, 401);
}

TEST_F(AuthLayerTest, UnknownApiRoutesAuthenticateBefore404) {
  auto layer = Layer();
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/secret-admin-thing")).status, 401);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/secret-admin-thing", viewer_a_)).status, 404);
  EXPECT_EQ(layer->Dispatch(Req("PUT", "/v1/pipelines")).status, 401);
  EXPECT_EQ(layer->Dispatch(Req("PUT", "/v1/pipelines", viewer_a_)).status, 405);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/favicon.ico")).status, 404);
}

TEST_F(AuthLayerTest, RevocationTakesEffectWhenTheCacheExpires) {
  AuthOptions options;
  options.cache_seconds = 5;
  auto layer = Layer(options);
  ASSERT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 200);
  ASSERT_TRUE(store_->Revoke(ids_[user_a_], clock_.NowSeconds()).ok());
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 200);  // cached
  clock_.Advance(5);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 401);
  // Use is recorded (once per cache period).
  auto found = store_->FindByHash(HashApiToken(viewer_a_));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_FALSE((*found)->last_used_at.has_value());
  ASSERT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", viewer_a_)).status, 200);
  EXPECT_EQ(*(*store_->FindByHash(HashApiToken(viewer_a_)))->last_used_at, clock_.NowSeconds());
}

TEST_F(AuthLayerTest, RateLimitPerTokenAndPerAddressIs429WithRetryAfter) {
  AuthOptions options;
  options.rate_limit = 1;  // bursts of 2
  auto layer = Layer(options);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 200);
  HttpResponse limited = layer->Dispatch(Req("GET", "/v1/pipelines", user_a_));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["Retry-After"], "1");
  EXPECT_EQ(Body(limited)["error"]["code"], "resource_exhausted");
  // Another token has its own bucket; anonymous requests share their address's.
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", viewer_a_)).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/healthz")).status, 200);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines")).status, 401);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/healthz")).status, 429);
  clock_.Advance(1);
  EXPECT_EQ(layer->Dispatch(Req("GET", "/v1/pipelines", user_a_)).status, 200);
}

TEST_F(AuthLayerTest, AuthOffActsAsTheDefaultAdmin) {
  AuthOptions options;
  options.enabled = false;
  AuthLayer layer(options, nullptr, clock_, nullptr);
  layer.Add("POST", "/v1/catalog/ingest", Echo);
  HttpResponse r = layer.Dispatch(Req("POST", "/v1/catalog/ingest"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["tenant"], "default");
  EXPECT_EQ(Body(r)["role"], "admin");
}

TEST_F(AuthLayerTest, AccessLogHasTenantAndRouteButNoToken) {
  auto layer = Layer();
  (void)layer->Dispatch(Req("GET", "/v1/pipelines/p-42", user_a_));
  (void)layer->Dispatch(Req("GET", "/v1/pipelines", "sky_" + std::string(64, '7')));
  (void)layer->Dispatch(Req("GET", "/nowhere"));
  std::istringstream lines(log_text_.str());
  std::vector<json> entries;
  for (std::string line; std::getline(lines, line);) entries.push_back(json::parse(line));
  ASSERT_EQ(entries.size(), 3u) << log_text_.str();
  EXPECT_EQ(entries[0]["route"], "/v1/pipelines/{id}");
  EXPECT_EQ(entries[0]["path"], "/v1/pipelines/p-42");
  EXPECT_EQ(entries[0]["status"], 200);
  EXPECT_EQ(entries[0]["tenant"], "a");
  EXPECT_EQ(entries[0]["token_id"], ids_[user_a_]);
  EXPECT_EQ(entries[0]["method"], "GET");
  EXPECT_GT(entries[0]["bytes"].get<int>(), 0);
  EXPECT_TRUE(entries[0]["duration_ms"].is_number());
  EXPECT_EQ(entries[0]["time"].get<std::string>().rfind("2023-11-14T22:13:20.000Z", 0), 0u)
      << entries[0]["time"];
  EXPECT_EQ(entries[1]["status"], 401);
  EXPECT_TRUE(entries[1]["tenant"].is_null());
  EXPECT_TRUE(entries[2]["route"].is_null());
  EXPECT_EQ(log_text_.str().find("sky_"), std::string::npos) << log_text_.str();
  EXPECT_EQ(log_text_.str().find(user_a_), std::string::npos);
}

TEST(AccessLogTest, OpenHandlesStderrOffAndBadPaths) {
  std::ostringstream err;
  auto stderr_log = AccessLog::Open("-", err);
  ASSERT_TRUE(stderr_log.ok());
  ASSERT_NE(*stderr_log, nullptr);
  (*stderr_log)->Write(AccessEntry{});
  EXPECT_NE(err.str().find("\"status\":0"), std::string::npos) << err.str();
  auto off = AccessLog::Open("off", err);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(*off, nullptr);
  EXPECT_EQ(AccessLog::Open("/no/such/dir/access.log", err).status().code(),
            StatusCode::kUnavailable);
  // Invalid UTF-8 in a path does not throw.
  AccessEntry odd;
  odd.path = "/\xff\xfe";
  EXPECT_FALSE(AccessLog::Format(odd).empty());
}

}  // namespace
}  // namespace sky::api
