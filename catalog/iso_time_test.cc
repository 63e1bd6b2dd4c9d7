#include "sky/catalog/iso_time.h"

#include <gtest/gtest.h>

namespace sky::catalog {
namespace {

TEST(IsoTimeTest, NormalisesToUtcSeconds) {
  EXPECT_EQ(NormalizeIsoTime("2022-05-01T12:34:56Z"), "2022-05-01T12:34:56Z");
  EXPECT_EQ(NormalizeIsoTime("2022-05-01T12:34:56.789Z"), "2022-05-01T12:34:56Z");
  EXPECT_EQ(NormalizeIsoTime("2022-05-01T14:34:56+02:00"), "2022-05-01T12:34:56Z");
  EXPECT_EQ(NormalizeIsoTime("2022-05-01T00:30:00-0100"), "2022-05-01T01:30:00Z");
}

TEST(IsoTimeTest, AcceptsWhatCatalogFilesWrite) {
  EXPECT_EQ(NormalizeIsoTime("  2022-05-01 12:34:56Z "), "2022-05-01T12:34:56Z");
}

TEST(IsoTimeTest, RejectsOtherText) {
  EXPECT_EQ(NormalizeIsoTime(""), std::nullopt);
  EXPECT_EQ(NormalizeIsoTime("2022-05-01"), std::nullopt);
  EXPECT_EQ(NormalizeIsoTime("2022-05-01T12:34:56"), std::nullopt);  // no offset
  EXPECT_EQ(NormalizeIsoTime("2022-05-01t12:34:56z"), std::nullopt);
  EXPECT_EQ(NormalizeIsoTime("2022-13-01T12:34:56Z"), std::nullopt);
}

}  // namespace
}  // namespace sky::catalog
