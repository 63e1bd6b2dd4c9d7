#include "sky/types/ascii.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

TEST(AsciiTest, LowerAndUpperChangeOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("H100-80GB x-Amz-Date"), "h100-80gb x-amz-date");
  EXPECT_EQ(AsciiUpper("nvidia-h100 a1"), "NVIDIA-H100 A1");
  // Bytes outside ASCII (UTF-8 here) are left alone whatever the locale.
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");
  EXPECT_EQ(AsciiUpper("\xC3\xA9t\xC3\xA9"), "\xC3\xA9T\xC3\xA9");
  EXPECT_EQ(AsciiLower(""), "");
  EXPECT_EQ(AsciiLower("@[`{"), "@[`{");  // the neighbours of the letter ranges
  EXPECT_EQ(AsciiUpper("@[`{"), "@[`{");
}

TEST(AsciiTest, CharHelpers) {
  static_assert(AsciiToLower('Q') == 'q' && AsciiToLower('q') == 'q' && AsciiToLower('1') == '1');
  static_assert(AsciiToUpper('q') == 'Q' && AsciiToUpper('Q') == 'Q' && AsciiToUpper('-') == '-');
  EXPECT_EQ(AsciiToLower('\xC9'), '\xC9');
}

TEST(AsciiTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
  EXPECT_FALSE(EqualsIgnoreCase("a-b", "a_b"));
  EXPECT_FALSE(EqualsIgnoreCase("\xC3\xA9", "\xC3\x89"));  // no Unicode folding
}

}  // namespace
}  // namespace sky
