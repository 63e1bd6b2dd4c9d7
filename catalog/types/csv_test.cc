#include "sky/types/csv.h"

#include <gtest/gtest.h>

namespace sky {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvTest, SplitsPlainFields) {
  EXPECT_EQ(SplitCsvLine("aws:us-east-1,gcp:us-central1,0.02"),
            (Fields{"aws:us-east-1", "gcp:us-central1", "0.02"}));
  EXPECT_EQ(SplitCsvLine(""), (Fields{""}));
  EXPECT_EQ(SplitCsvLine(",a,"), (Fields{"", "a", ""}));
}

TEST(CsvTest, QuotedFieldsHoldDelimitersAndDoubledQuotes) {
  EXPECT_EQ(SplitCsvLine(R"(a,"b,c","say ""hi""",d)"), (Fields{"a", "b,c", "say \"hi\"", "d"}));
  EXPECT_EQ(SplitCsvLine(R"("",x)"), (Fields{"", "x"}));
  EXPECT_EQ(SplitCsvLine(R"("{'Name': 'A100', ""Count"": 8}")"),
            (Fields{"{'Name': 'A100', \"Count\": 8}"}));
}

TEST(CsvTest, IsLenientWithStrayQuotes) {
  EXPECT_EQ(SplitCsvLine(R"(a"b,c"d,e)"), (Fields{"ab,cd", "e"}));
  EXPECT_EQ(SplitCsvLine(R"("open,to the end)"), (Fields{"open,to the end"}));
}

TEST(CsvTest, OtherDelimiters) {
  EXPECT_EQ(SplitCsvLine("a;\"b;c\";d", ';'), (Fields{"a", "b;c", "d"}));
  EXPECT_EQ(SplitCsvLine("a,b", ';'), (Fields{"a,b"}));
}

}  // namespace
}  // namespace sky
