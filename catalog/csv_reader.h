#pragma once
// CsvReader: an RFC 4180 reader over a buffer held by the caller. Fields may be quoted;
// a quoted field may hold delimiters, doubled quotes ("") and line breaks. Records end with
// LF or CRLF; blank lines are skipped. Fields are views into the buffer (or into the reader's
// scratch space for fields with doubled quotes), valid until the next call to Next().
// Not thread-safe; one reader per buffer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sky::catalog {

class CsvReader {
 public:
  enum class Outcome {
    kRecord,  // `fields` holds the next record
    kEnd,     // no more records
    kError,   // a malformed record (error() says why); reading resumes at the next line,
              // except after an unterminated quote, which runs to the end of the data
  };

  explicit CsvReader(std::string_view data, char delimiter = ',');

  Outcome Next(std::vector<std::string_view>& fields);

  // 1-based line where the last record (or error) began.
  int64_t record_line() const { return record_line_; }
  const std::string& error() const { return error_; }
  // Bytes consumed so far.
  size_t offset() const { return pos_; }

 private:
  struct Span {
    bool in_scratch;
    size_t begin;
    size_t size;
  };

  bool SkipBlankLines();
  // Each reads one field at pos_ into spans_; false on error (error_ set).
  bool ReadQuoted();
  void ReadPlain();
  // After a closing quote: true at a delimiter, line end or the end (a CR of CRLF skipped).
  bool AtFieldEnd();
  void SkipRestOfLine();

  std::string_view data_;
  char delimiter_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  std::string error_;
  std::string scratch_;
  std::vector<Span> spans_;
};

}  // namespace sky::catalog
