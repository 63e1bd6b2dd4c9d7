// The Lambda instance name that stands in for tags and an idempotency token.
#include "providers/lambda/lambda_instance_name.h"

#include <gtest/gtest.h>

namespace sky::providers::lambda {
namespace {

TEST(LambdaInstanceNameTest, RoundTripsPipelineAndStage) {
  const std::map<std::string, std::string> tags = {
      {"skybroker-pipeline", "llm-finetune"}, {"skybroker-stage", "train"}, {"owner", "dropped"}};
  Result<std::string> name = EncodeInstanceName("run-7/train/attempt-1", tags);
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  EXPECT_EQ(name->rfind("sky-", 0), 0u);
  EXPECT_LE(name->size(), kMaxInstanceNameLength);
  std::optional<DecodedInstanceName> decoded = DecodeInstanceName(*name);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->digest, *IdempotencyDigest("run-7/train/attempt-1"));
  EXPECT_EQ(decoded->tags,
            (std::map<std::string, std::string>{{"skybroker-pipeline", "llm-finetune"},
                                                {"skybroker-stage", "train"}}));
}

TEST(LambdaInstanceNameTest, SameKeySameDigestOtherKeyOther) {
  EXPECT_EQ(*IdempotencyDigest("a"), *IdempotencyDigest("a"));
  EXPECT_NE(*IdempotencyDigest("a"), *IdempotencyDigest("b"));
  // SHA-256("abc") starts ba7816bf8f01.
  EXPECT_EQ(*IdempotencyDigest("abc"), "ba7816bf8f01");
}

TEST(LambdaInstanceNameTest, SeparatorAndPercentInValuesAreEscaped) {
  const std::map<std::string, std::string> tags = {{"skybroker-pipeline", "a~b%c"}};
  Result<std::string> name = EncodeInstanceName("k", tags);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->find("a~b"), std::string::npos);
  EXPECT_EQ(DecodeInstanceName(*name)->tags.at("skybroker-pipeline"), "a~b%c");
}

TEST(LambdaInstanceNameTest, RejectsEmptyKeyAndOverlongTags) {
  EXPECT_TRUE(EncodeInstanceName("", {}).status().IsInvalidArgument());
  const std::map<std::string, std::string> tags = {{"skybroker-pipeline", std::string(50, 'p')}};
  EXPECT_TRUE(EncodeInstanceName("k", tags).status().IsInvalidArgument());
}

TEST(LambdaInstanceNameTest, ForeignNamesDoNotDecode) {
  EXPECT_FALSE(DecodeInstanceName("My Instance").has_value());
  EXPECT_FALSE(DecodeInstanceName("sky-short~a~b").has_value());
  EXPECT_FALSE(DecodeInstanceName("sky-0123456789ab~a").has_value());
  EXPECT_FALSE(DecodeInstanceName("sky-0123456789ab~a%zz~b").has_value());
  EXPECT_TRUE(DecodeInstanceName("sky-0123456789ab~~").has_value());
}

}  // namespace
}  // namespace sky::providers::lambda
