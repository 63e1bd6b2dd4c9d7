#include "sky/types/civil_time.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

TEST(CivilTimeTest, DaysFromCivilAndBackAgreeAcrossEras) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(1600, 1, 1), -135140);
  for (int64_t days = -800000; days <= 800000; days += 997) {
    const CivilTime t = CivilFromUnixSeconds(days * 86400);
    EXPECT_EQ(DaysFromCivil(t.year, t.month, t.day), days);
  }
}

TEST(CivilTimeTest, CivilFromUnixSecondsSplitsTheDay) {
  const CivilTime t = CivilFromUnixSeconds(1709164800 + 3723);  // 2024-02-29 01:02:03
  EXPECT_EQ(t.year, 2024);
  EXPECT_EQ(t.month, 2);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(t.hour, 1);
  EXPECT_EQ(t.minute, 2);
  EXPECT_EQ(t.second, 3);
  const CivilTime before = CivilFromUnixSeconds(-1);
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.second, 59);
  EXPECT_EQ(UnixSecondsFromCivil(CivilTime{2024, 2, 29, 1, 2, 3}), 1709164800 + 3723);
  // Out-of-range fields carry over as with timegm.
  EXPECT_EQ(UnixSecondsFromCivil(CivilTime{2023, 13, 1, 0, 0, 0}),
            UnixSecondsFromCivil(CivilTime{2024, 1, 1, 0, 0, 0}));
}

TEST(CivilTimeTest, FormatsExtendedAndBasic) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1422172800), "2015-01-25T08:00:00Z");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoUtcBasic(1440938160), "20150830T123600Z");
}

TEST(CivilTimeTest, ParsesRfc3339WithOffsetsAndFractions) {
  auto t = ParseIsoTime("2013-12-13T10:45:23.351-08:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->unix_seconds, 1386960323);
  EXPECT_DOUBLE_EQ(t->seconds(), 1386960323.351);
  EXPECT_EQ(ParseIsoTime("2024-02-29T05:30:00+05:30")->unix_seconds, 1709164800);
  EXPECT_EQ(ParseIsoTime("2019-12-16t22:48:18z")->unix_seconds, 1576536498);
  EXPECT_EQ(ParseIsoTime("1970-01-01T00:00:00Z")->fraction, 0);
}

TEST(CivilTimeTest, RejectsWhatIsNotAnIsoTime) {
  for (const char* bad :
       {"", "2013-12-13", "2013-12-13T10:45:23", "2013-12-13T10:45:23Zjunk",
        "2013-12-13T10:45:23+0800", "2013-12-13 10:45:23Z", "2014-13-29T18:30:38Z",
        "2014-04-29T24:30:38Z", "2014-04-29T18:60:38Z", "2014-04-29T18:30:61Z",
        "2014-04-29T18:30:38.Z", "2014-04-29T18:30:38+24:00", "2014-4-29T18:30:38Z"}) {
    EXPECT_FALSE(ParseIsoTime(bad).has_value()) << bad;
  }
}

TEST(CivilTimeTest, SyntaxOptionsWidenOrNarrowTheForm) {
  IsoTimeSyntax csv;
  csv.allow_space_separator = true;
  csv.allow_offset_without_colon = true;
  csv.allow_lowercase = false;
  EXPECT_EQ(ParseIsoTime("2013-12-13 18:45:23Z", csv)->unix_seconds, 1386960323);
  EXPECT_EQ(ParseIsoTime("2013-12-14T02:45:23+0800", csv)->unix_seconds, 1386960323);
  EXPECT_FALSE(ParseIsoTime("2013-12-13t18:45:23Z", csv).has_value());
  EXPECT_FALSE(ParseIsoTime("2013-12-13T18:45:23z", csv).has_value());
}

TEST(ParseHttpDateTest, ReadsImfFixdateAndRejectsOtherForms) {
  // RFC 9110's own example: Sun, 06 Nov 1994 08:49:37 GMT = 784111777.
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), std::optional<int64_t>(784111777));
  EXPECT_EQ(ParseHttpDate("Tue, 29 Apr 2014 18:30:38 GMT"), std::optional<int64_t>(1398796238));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 24:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate(""));
}

}  // namespace
}  // namespace sky
