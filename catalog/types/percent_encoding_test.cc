#include "sky/types/percent_encoding.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

TEST(PercentEncodingTest, EncodesAllButUnreservedWithUpperCaseHex) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a b+c/d=e&f:g"), "a%20b%2Bc%2Fd%3De%26f%3Ag");
  EXPECT_EQ(PercentEncode("\xC3\xA9\n*"), "%C3%A9%0A%2A");
  EXPECT_EQ(PercentEncode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(PercentEncode("labels.skybroker-pipeline = \"p1\""),
            "labels.skybroker-pipeline%20%3D%20%22p1%22");
  EXPECT_EQ(PercentEncode("urn:ietf:params:oauth:grant-type:jwt-bearer"),
            "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(PercentEncodingTest, KeepSlashLeavesPathSeparators) {
  EXPECT_EQ(PercentEncode("/a b/c%d/", /*keep_slash=*/true), "/a%20b/c%25d/");
  EXPECT_EQ(PercentEncode("/a b/", /*keep_slash=*/false), "%2Fa%20b%2F");
}

TEST(PercentEncodingTest, DecodesEscapesAndLeavesBadOnesAlone) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F"), "a b/c/");
  EXPECT_EQ(PercentDecode("bad%zz%4"), "bad%zz%4");
  EXPECT_EQ(PercentDecode("%41"), "A");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%C3%A9"), "\xC3\xA9");
}

TEST(PercentEncodingTest, PlusIsASpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a%20b+c"), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", /*plus_as_space=*/true), "a b c");
  EXPECT_EQ(PercentDecode("%2B", /*plus_as_space=*/true), "+");
}

TEST(PercentEncodingTest, DecodeInvertsEncode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
  EXPECT_EQ(PercentDecode(PercentEncode(all, true), true), all);
}

}  // namespace
}  // namespace sky
