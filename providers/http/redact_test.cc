#include "providers/http/redact.h"

#include <gtest/gtest.h>

#include <string>

namespace sky::providers {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RedactTest, SensitiveHeaders) {
  for (const char* name :
       {"Authorization", "authorization", "Proxy-Authorization", "X-Amz-Security-Token", "Cookie",
        "api-key", "X-Api-Key", "X-Auth-Token", "X-Client-Secret"}) {
    EXPECT_TRUE(IsSensitiveHeader(name)) << name;
    EXPECT_EQ(RedactHeaderValue(name, "s3cr3t"), "REDACTED") << name;
  }
  for (const char* name : {"Content-Type", "X-Amz-Date", "Host", "Idempotency-Key"}) {
    EXPECT_FALSE(IsSensitiveHeader(name)) << name;
  }
  const std::string line = FormatHeadersRedacted(
      {{"Host", "ec2.amazonaws.com"}, {"Authorization", "AWS4-HMAC-SHA256 Signature=abc"}});
  EXPECT_EQ(line, "Host: ec2.amazonaws.com; Authorization: REDACTED");
}

TEST(RedactTest, UrlQueryParametersAndUserInfo) {
  EXPECT_EQ(RedactUrl("https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIDEXAMPLE%2F20150830&X-Amz-Signature=abc123"
                      "&X-Amz-Security-Token=tok&versionId=3#frag"),
            "https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED"
            "&X-Amz-Security-Token=REDACTED&versionId=3#frag");
  EXPECT_EQ(RedactUrl("https://api.example.com/v1?api_key=k1&key=k2&access_token=t&n=1"),
            "https://api.example.com/v1?api_key=REDACTED&key=REDACTED&access_token=REDACTED&n=1");
  EXPECT_EQ(RedactUrl("https://user:pw@host.example/x?a=1"), "https://REDACTED@host.example/x?a=1");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:8080/plain"), "http://127.0.0.1:8080/plain");
}

TEST(RedactTest, FreeTextLogLines) {
  const std::string line = RedactText(
      "POST / Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/"
      "aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee\n"
      "next line X-Amz-Security-Token: AQoDYXdzEPT//////////wEXAMPLE\n"
      "curl -H 'Authorization: Bearer eyJhbGciOi.payload.sig' https://x\n"
      "key id AKIAIOSFODNN7EXAMPLE and aws_secret_access_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEX\n"
      R"({"api_key": "lambda_secret_123", "password":"hunter2", "name": "job"})");
  for (const char* secret :
       {"AKIDEXAMPLE", "5da7c1a2acd57cee", "AQoDYXdzEPT", "eyJhbGciOi", "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI", "lambda_secret_123", "hunter2"}) {
    EXPECT_FALSE(Contains(line, secret)) << secret << " in:\n" << line;
  }
  EXPECT_TRUE(Contains(line, "next line")) << "only the secret part of a line goes";
  EXPECT_TRUE(Contains(line, R"("name": "job")"));
}

TEST(RedactTest, SigV4AuthorizationInTextKeepsNoSignature) {
  const std::string text = RedactText("Signature=ff11897932ad3f4e, Credential=AKID/x");
  EXPECT_FALSE(Contains(text, "ff11897932ad3f4e"));
  EXPECT_FALSE(Contains(text, "AKID/x"));
  EXPECT_EQ(RedactText("Bearer abc.def"), "Bearer REDACTED");
  EXPECT_EQ(RedactText("nothing to hide here"), "nothing to hide here");
}

// Found while fuzzing (tests/fuzz/regressions/runpod_json): std::regex recursed for each
// character and a long error body overflowed the stack.
TEST(RedactTest, LongTextIsCutAtABlankBeforeScrubbing) {
  const std::string text = RedactText("Authorization: " + std::string(300000, 'a'));
  EXPECT_LT(text.size(), 2100u);
  EXPECT_FALSE(Contains(text, "aaaa"));
  EXPECT_TRUE(Contains(text, "bytes cut]"));
  const std::string tail =
      RedactText(std::string(2040, 'x') + " Bearer tok_" + std::string(20, 's'));
  EXPECT_FALSE(Contains(tail, "tok_")) << "no half token at the cut";
  EXPECT_EQ(RedactText(std::string(2048, 'y')), std::string(2048, 'y'));
}

}  // namespace
}  // namespace sky::providers
