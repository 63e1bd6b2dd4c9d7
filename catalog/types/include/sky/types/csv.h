#pragma once
// Splitting one line of comma-separated values (RFC 4180): a field may be quoted, a quoted
// field may hold commas, and "" inside quotes is one '"'. For small tables read line by line
// (the planner's network tables, test readers); catalog files, whose quoted fields may span
// lines, use catalog's streaming CsvReader. Pure function; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace sky {

// The fields of `line` (no line break in it), unquoted. Always at least one field (an empty
// line is one empty field). Lenient: a quote inside an unquoted field opens a quoted run, and
// an unterminated quote runs to the end of the line.
std::vector<std::string> SplitCsvLine(std::string_view line, char delimiter = ',');

}  // namespace sky
