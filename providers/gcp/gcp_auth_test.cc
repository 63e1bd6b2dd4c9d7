#include "providers/gcp/gcp_auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/gcp/gcp_test_util.h"
#include "providers/gcp/jwt.h"
#include "sky/providers/http/curl_http_client.h"
#include "tests/support/test_http_server.h"

namespace sky::providers::gcp {
namespace {

using nlohmann::json;

constexpr char kTokenReply[] =
    R"({"access_token": "ya29.c.first-token", "expires_in": 3599, "token_type": "Bearer"})";

// Returns the value of form field `name` in an x-www-form-urlencoded body (values here need
// no decoding but the grant type, which the test compares encoded).
std::string FormField(const std::string& body, const std::string& name) {
  const std::string prefix = name + "=";
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    if (body.compare(start, prefix.size(), prefix) == 0) {
      return body.substr(start + prefix.size(), end - start - prefix.size());
    }
    start = end + 1;
  }
  return "";
}

class GcpAuthTest : public ::testing::Test {
 protected:
  ServiceAccountKey Key(const std::string& token_uri) {
    return *LoadServiceAccountKey(
        gcptest::WriteServiceAccountKeyFile(keys_->private_pem, "proj-1", token_uri));
  }

  const gcptest::RsaKeyPair* const keys_ = &gcptest::SharedRsaKeyPair();
  CurlHttpClient http_;
  ManualClock clock_{1'767'225'600};
};

TEST_F(GcpAuthTest, ParsesKeyFiles) {
  const ServiceAccountKey key = Key("https://oauth2.googleapis.com/token");
  EXPECT_EQ(key.project_id, "proj-1");
  EXPECT_EQ(key.client_email, "skybroker@proj-1.iam.gserviceaccount.com");
  EXPECT_EQ(key.private_key_id, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(key.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_TRUE(ParseServiceAccountKey("{").status().IsInvalidArgument());
  EXPECT_TRUE(
      ParseServiceAccountKey(R"({"type": "authorized_user"})").status().IsInvalidArgument());
  EXPECT_TRUE(ParseServiceAccountKey(R"({"type": "service_account", "client_email": "a@b"})")
                  .status()
                  .IsInvalidArgument());
  EXPECT_EQ(ParseServiceAccountKey(
                R"({"type": "service_account", "client_email": "a@b", "private_key": "k"})")
                ->token_uri,
            "https://oauth2.googleapis.com/token");
  EXPECT_TRUE(LoadServiceAccountKey("/nonexistent/key.json").status().IsNotFound());
}

TEST_F(GcpAuthTest, CredentialsComeFromGoogleApplicationCredentials) {
  const std::string path =
      gcptest::WriteServiceAccountKeyFile(keys_->private_pem, "proj-env", "http://127.0.0.1/t");
  auto env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "GOOGLE_APPLICATION_CREDENTIALS") return path;
    return std::nullopt;
  };
  EXPECT_EQ(LoadDefaultServiceAccountKey(env)->project_id, "proj-env");
  auto empty = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_TRUE(LoadDefaultServiceAccountKey(empty).status().IsUnauthenticated());
}

TEST_F(GcpAuthTest, PostsASignedJwtBearerAssertionAndCachesTheToken) {
  auto server = TestHttpServer::Start(
      {ScriptedReply::Respond(200, kTokenReply, {{"Content-Type", "application/json"}})});
  ASSERT_TRUE(server.ok());
  GcpAuth auth(Key("https://oauth2.googleapis.com/token"), (*server)->Url("/token"), http_, clock_);
  EXPECT_EQ(auth.token_uri(), (*server)->Url("/token"));
  EXPECT_EQ(*auth.AccessToken(), "ya29.c.first-token");
  EXPECT_EQ(*auth.AuthorizationHeader(), "Bearer ya29.c.first-token");
  clock_.Advance(3000);  // still more than 60 s before expiry
  EXPECT_EQ(*auth.AccessToken(), "ya29.c.first-token");
  EXPECT_EQ(auth.fetch_count(), 1);
  EXPECT_EQ((*server)->connections(), 1);

  const RecordedRequest request = (*server)->requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/token");
  EXPECT_EQ(*FindHeader(request.headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(FormField(request.body, "grant_type"),
            "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
  const std::string assertion = FormField(request.body, "assertion");
  const size_t dot1 = assertion.find('.'), dot2 = assertion.rfind('.');
  ASSERT_NE(dot1, dot2);
  const json claims = json::parse(*Base64UrlDecode(assertion.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(claims["aud"], (*server)->Url("/token"));  // the overridden token URI
  EXPECT_EQ(claims["iss"], "skybroker@proj-1.iam.gserviceaccount.com");
  EXPECT_EQ(claims["scope"], "https://www.googleapis.com/auth/compute");
  EXPECT_EQ(claims["iat"], 1767225600);
  EXPECT_EQ(claims["exp"], 1767229200);
  EXPECT_TRUE(gcptest::VerifyRs256(keys_->public_pem, assertion.substr(0, dot2),
                                   *Base64UrlDecode(assertion.substr(dot2 + 1))));
}

TEST_F(GcpAuthTest, RefreshesShortlyBeforeExpiryAndAfterInvalidate) {
  auto server = TestHttpServer::Start({ScriptedReply::Respond(200, kTokenReply)});
  ASSERT_TRUE(server.ok());
  GcpAuth auth(Key((*server)->Url("/token")), "", http_, clock_);
  ASSERT_TRUE(auth.AccessToken().ok());
  clock_.Advance(3599 - 59);  // inside the 60 s refresh margin
  ASSERT_TRUE(auth.AccessToken().ok());
  EXPECT_EQ(auth.fetch_count(), 2);
  auth.Invalidate();
  ASSERT_TRUE(auth.AccessToken().ok());
  EXPECT_EQ(auth.fetch_count(), 3);
  EXPECT_EQ((*server)->connections(), 3);
}

TEST_F(GcpAuthTest, TokenEndpointErrorsMapToCodes) {
  auto server = TestHttpServer::Start({
      ScriptedReply::Respond(400, R"({"error": "invalid_grant",
                                      "error_description": "Invalid JWT Signature."})"),
      ScriptedReply::Respond(429, R"({"error": "rate_limit_exceeded"})"),
      ScriptedReply::Respond(503, "unavailable"),
      ScriptedReply::Respond(200, R"({"token_type": "Bearer"})"),
  });
  ASSERT_TRUE(server.ok());
  GcpAuth auth(Key((*server)->Url("/token")), "", http_, clock_);
  const Status refused = auth.AccessToken().status();
  EXPECT_TRUE(refused.IsUnauthenticated()) << refused.ToString();
  EXPECT_NE(refused.message().find("Invalid JWT Signature"), std::string::npos);
  EXPECT_EQ(auth.AccessToken().status().reason(), "throttled");
  EXPECT_TRUE(auth.AccessToken().status().IsUnavailable());
  EXPECT_TRUE(auth.AccessToken().status().IsInternal());
  EXPECT_EQ(auth.fetch_count(), 0);
}

TEST_F(GcpAuthTest, BadPrivateKeyIsInvalidArgument) {
  ServiceAccountKey key = Key("http://127.0.0.1:1/token");
  key.private_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  GcpAuth auth(key, "", http_, clock_);
  EXPECT_TRUE(auth.AccessToken().status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::providers::gcp
