#pragma once
// A reader for the Python literals that SkyPilot catalogs embed in CSV fields (GpuInfo is a
// dict written by Python's repr: single-quoted strings, True/False/None, nested dicts and
// lists). Not JSON: it is parsed by a small recursive-descent parser, not by rewriting quotes.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "sky/types/result.h"

namespace sky::catalog {

struct PyValue {
  enum class Kind { kNone, kBool, kNumber, kString, kList, kDict };

  Kind kind = Kind::kNone;
  bool boolean = false;
  double number = 0;
  std::string text;               // kString
  std::vector<PyValue> items;     // kList (and tuples): elements; kDict: values
  std::vector<std::string> keys;  // kDict: keys (strings, or numbers as written), as `items`

  // The value under `key` of a dict; nullptr when absent or not a dict.
  const PyValue* Get(std::string_view key) const;
  bool is_number() const { return kind == Kind::kNumber; }
};

// Parses one literal that spans all of `text` (surrounding blanks allowed). Returns
// InvalidArgument saying what was expected and at which character offset.
Result<PyValue> ParsePythonLiteral(std::string_view text);

}  // namespace sky::catalog
