#include "providers/gcp/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "providers/gcp/gcp_test_util.h"

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

TEST_F(JwtTest, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 section 10 vectors, in the url alphabet without padding.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  // Bytes that need '-' and '_' (62 and 63) rather than '+' and '/'.
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), std::string("\xfb\xff\xbf", 3));
  EXPECT_EQ(*Base64UrlDecode("Zm9vYmE="), "fooba");
  EXPECT_TRUE(Base64UrlDecode("Zm9v+g").status().IsInvalidArgument());
  EXPECT_TRUE(Base64UrlDecode("Z").status().IsInvalidArgument());
}

TEST_F(JwtTest, Base64UrlRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t length = 0; length <= all.size(); length += 37) {
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(all.substr(0, length))), all.substr(0, length));
  }
}

TEST_F(JwtTest, SignatureVerifiesWithOpenSslAndThePublicKey) {
  const std::string data = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0";
  const Result<std::string> signature = SignRs256(keys_->private_pem, data);
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
  EXPECT_TRUE(SignRs256("not a pem", "data").status().IsInvalidArgument());
  EXPECT_TRUE(SignRs256(keys_->public_pem, "data").status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::providers::gcp
