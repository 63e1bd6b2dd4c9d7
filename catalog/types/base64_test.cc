#include "sky/types/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace sky {
namespace {

TEST(Base64Test, StandardMatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"f", "Zg=="},
                                                          {"fo", "Zm8="},
                                                          {"foo", "Zm9v"},
                                                          {"foob", "Zm9vYg=="},
                                                          {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(raw), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, raw);
  }
}

TEST(Base64Test, UrlSafeWithoutPaddingMatchesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), std::string("\xfb\xff\xbf", 3));
  EXPECT_EQ(*Base64UrlDecode("Zm9vYmE="), "fooba");  // padding is optional
  EXPECT_EQ(Base64Encode("fo", {Base64Alphabet::kUrlSafe, /*pad=*/true}), "Zm8=");
}

TEST(Base64Test, EveryByteRoundTripsInBothAlphabets) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  for (size_t length = 0; length <= all.size(); length += 37) {
    const std::string bytes = all.substr(0, length);
    EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
}

TEST(Base64Test, WhitespaceIsSkippedOnlyWhenAsked) {
  Base64Options mime;
  mime.skip_whitespace = true;
  EXPECT_EQ(*Base64Decode("Zm9v\r\nYmFy ", mime), "foobar");
  EXPECT_TRUE(Base64Decode("Zm9v\nYmFy").status().IsInvalidArgument());
}

TEST(Base64Test, BadTextIsInvalidArgument) {
  for (const char* bad : {"Zm9v!", "Zg=a", "Z", "Zm9vY", "Zg===", "-_-_"}) {
    EXPECT_TRUE(Base64Decode(bad).status().IsInvalidArgument()) << bad;
  }
  for (const char* bad : {"Zm9v+g", "Z", "a/b="}) {
    EXPECT_TRUE(Base64UrlDecode(bad).status().IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace sky
