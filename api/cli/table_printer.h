#pragma once
// Aligned plain-text tables for the CLI. Not thread-safe.

#include <ostream>
#include <string>
#include <vector>

namespace sky::api {

class TablePrinter {
 public:
  // `right_aligned[i]` right-aligns column i (numbers).
  TablePrinter(std::vector<std::string> headers, std::vector<bool> right_aligned);
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point with `digits` decimals ("12.30").
std::string FormatFixed(double value, int digits);

}  // namespace sky::api
