#include <gtest/gtest.h>

#include "sky/catalog/offer_index.h"

namespace sky::catalog {
namespace {

TEST(GpuFilterTest, NameCountAndAtLeast) {
  OfferQuery q;
  ASSERT_TRUE(ParseGpuFilter("H100", q).ok());
  EXPECT_EQ(q.accelerator, "H100");
  EXPECT_FALSE(q.count.has_value());
  ASSERT_TRUE(ParseGpuFilter("a100:8", q).ok());
  EXPECT_EQ(q.accelerator, "a100");
  EXPECT_EQ(q.count, 8);
  EXPECT_FALSE(q.count_at_least);
  ASSERT_TRUE(ParseGpuFilter("H100:4+", q).ok());
  EXPECT_EQ(q.count, 4);
  EXPECT_TRUE(q.count_at_least);
}

TEST(GpuFilterTest, RejectsBadCounts) {
  OfferQuery q;
  for (const char* bad :
       {"", ":8", "H100:", "H100:x", "H100:0", "H100:-1", "H100:8++", "H100:2.5"}) {
    Status s = ParseGpuFilter(bad, q);
    EXPECT_TRUE(s.IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace sky::catalog
