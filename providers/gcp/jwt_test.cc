#include "providers/gcp/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "providers/gcp/gcp_test_util.h"
#include "sky/providers/auth/crypto.h"

namespace sky::providers::gcp {
namespace {

using nlohmann::json;

class JwtTest : public ::testing::Test {
 protected:
  // Splits "a.b.c" into its three parts.
  static std::vector<std::string> Parts(const std::string& jwt) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t dot; (dot = jwt.find('.', start)) != std::string::npos; start = dot + 1) {
      parts.push_back(jwt.substr(start, dot - start));
    }
    parts.push_back(jwt.substr(start));
    return parts;
  }

  const gcptest::RsaKeyPair* const keys_ = &gcptest::SharedRsaKeyPair();
};

TEST_F(JwtTest, SignatureVerifiesWithOpenSslAndThePublicKey) {
  const std::string data = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0";
  const Result<std::string> signature = auth::SignRs256(keys_->private_pem, data);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->size(), 256u);  // RSA-2048
  EXPECT_TRUE(gcptest::VerifyRs256(keys_->public_pem, data, *signature));
  EXPECT_FALSE(gcptest::VerifyRs256(keys_->public_pem, data + "x", *signature));
  const gcptest::RsaKeyPair other = gcptest::GenerateRsaKeyPair();
  EXPECT_FALSE(gcptest::VerifyRs256(other.public_pem, data, *signature));
}

TEST_F(JwtTest, ServiceAccountJwtHasGoogleClaimsAndAVerifiableSignature) {
  ManualClock clock(1'767'225'600.75);  // 2026-01-01T00:00:00.75Z
  const JwtClaims claims = ComputeScopeClaims("sa@proj.iam.gserviceaccount.com",
                                              "https://oauth2.googleapis.com/token", clock);
  const Result<std::string> jwt = MakeSignedJwt(claims, "kid-1", keys_->private_pem);
  ASSERT_TRUE(jwt.ok()) << jwt.status().ToString();
  const std::vector<std::string> parts = Parts(*jwt);
  ASSERT_EQ(parts.size(), 3u);

  const json header = json::parse(*Base64UrlDecode(parts[0]));
  EXPECT_EQ(header, json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-1"}}));
  const json body = json::parse(*Base64UrlDecode(parts[1]));
  EXPECT_EQ(body, json({{"iss", "sa@proj.iam.gserviceaccount.com"},
                        {"scope", "https://www.googleapis.com/auth/compute"},
                        {"aud", "https://oauth2.googleapis.com/token"},
                        {"iat", 1767225600},
                        {"exp", 1767229200}}));
  EXPECT_TRUE(gcptest::VerifyRs256(keys_->public_pem, parts[0] + "." + parts[1],
                                   *Base64UrlDecode(parts[2])));
}

TEST_F(JwtTest, HeaderOmitsKidWhenTheKeyHasNoId) {
  ManualClock clock(100);
  const Result<std::string> jwt = MakeSignedJwt(
      ComputeScopeClaims("a@b", "http://127.0.0.1/token", clock), "", keys_->private_pem);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(json::parse(*Base64UrlDecode(Parts(*jwt)[0])),
            json({{"alg", "RS256"}, {"typ", "JWT"}}));
}

TEST_F(JwtTest, RejectsKeysThatAreNotRsaPrivateKeys) {
  EXPECT_TRUE(auth::SignRs256("not a pem", "data").status().IsInvalidArgument());
  EXPECT_TRUE(auth::SignRs256(keys_->public_pem, "data").status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::providers::gcp
