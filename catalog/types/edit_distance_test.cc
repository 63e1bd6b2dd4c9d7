#include "sky/types/edit_distance.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("", "port"), 4u);
  EXPECT_EQ(EditDistance("port", ""), 4u);
  EXPECT_EQ(EditDistance("port", "port"), 0u);
  EXPECT_EQ(EditDistance("prot", "port"), 2u);  // a transposition is two edits
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("max-body-byte", "max-body-bytes"), 1u);
}

TEST(EditDistanceTest, AsciiCaseCountsUnlessIgnored) {
  EXPECT_EQ(EditDistance("a100", "A100"), 1u);
  EXPECT_EQ(EditDistance("a100", "A100", /*ignore_ascii_case=*/true), 0u);
  EXPECT_EQ(EditDistance("h10O", "H100", /*ignore_ascii_case=*/true), 1u);
}

}  // namespace
}  // namespace sky
