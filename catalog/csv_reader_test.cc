#include "catalog/csv_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

using Fields = std::vector<std::string>;

// Reads every record; errors become {"!error", message, line}.
std::vector<Fields> ReadAll(std::string_view data) {
  CsvReader reader(data);
  std::vector<Fields> out;
  std::vector<std::string_view> fields;
  for (CsvReader::Outcome o; (o = reader.Next(fields)) != CsvReader::Outcome::kEnd;) {
    if (o == CsvReader::Outcome::kError) {
      out.push_back({"!error", reader.error(), std::to_string(reader.record_line())});
    } else {
      out.emplace_back(fields.begin(), fields.end());
    }
  }
  return out;
}

TEST(CsvReaderTest, PlainFieldsAndEmptyOnes) {
  EXPECT_EQ(ReadAll("a,b,c\n1,,3\n,,\n"),
            (std::vector<Fields>{{"a", "b", "c"}, {"1", "", "3"}, {"", "", ""}}));
}

TEST(CsvReaderTest, QuotedFieldsWithDelimitersDoubledQuotesAndNewlines) {
  EXPECT_EQ(ReadAll("x,\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",y,\"\"\n"),
            (std::vector<Fields>{{"x", "a, b", "say \"hi\""}, {"two\nlines", "y", ""}}));
}

TEST(CsvReaderTest, CrlfLineEndsAreNotPartOfFields) {
  EXPECT_EQ(ReadAll("a,b\r\n1,\"q\"\r\n2,\r\n"),
            (std::vector<Fields>{{"a", "b"}, {"1", "q"}, {"2", ""}}));
}

TEST(CsvReaderTest, NoFinalNewlineAndTrailingDelimiter) {
  EXPECT_EQ(ReadAll("a,b\n1,"), (std::vector<Fields>{{"a", "b"}, {"1", ""}}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndLinesCounted) {
  CsvReader reader("h\n\n\"multi\nline\"\n\r\nlast\n");
  std::vector<std::string_view> f;
  ASSERT_EQ(reader.Next(f), CsvReader::Outcome::kRecord);
  EXPECT_EQ(reader.record_line(), 1);
  ASSERT_EQ(reader.Next(f), CsvReader::Outcome::kRecord);
  EXPECT_EQ(reader.record_line(), 3);
  ASSERT_EQ(reader.Next(f), CsvReader::Outcome::kRecord);
  EXPECT_EQ(reader.record_line(), 6);
  EXPECT_EQ(f[0], "last");
  EXPECT_EQ(reader.Next(f), CsvReader::Outcome::kEnd);
}

TEST(CsvReaderTest, UnterminatedQuoteReportsTheLineWhereItBegan) {
  EXPECT_EQ(ReadAll("a,b\n1,2\n3,\"open\nmore\nstill open\n"),
            (std::vector<Fields>{{"a", "b"}, {"1", "2"}, {"!error", "unterminated quote", "3"}}));
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnErrorAndReadingResumes) {
  EXPECT_EQ(ReadAll("\"a\"b,c\nok,1\n"),
            (std::vector<Fields>{{"!error", "unexpected character after closing quote", "1"},
                                 {"ok", "1"}}));
}

TEST(CsvReaderTest, ByteOrderMarkIsIgnored) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFInstanceType,Price\n"),
            (std::vector<Fields>{{"InstanceType", "Price"}}));
}

TEST(CsvReaderTest, TabDelimiter) {
  CsvReader reader("a\tb c\td\n", '\t');
  std::vector<std::string_view> f;
  ASSERT_EQ(reader.Next(f), CsvReader::Outcome::kRecord);
  EXPECT_EQ((Fields(f.begin(), f.end())), (Fields{"a", "b c", "d"}));
}

}  // namespace
}  // namespace sky::catalog
