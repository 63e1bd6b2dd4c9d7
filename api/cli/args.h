#pragma once
// Command-line flags of `skybroker SUBCOMMAND`: `--name value`, `--name=value`, boolean
// `--name`, and multi-value flags that take every following word up to the next flag
// (`--catalog a.csv dir/`). Positional words are kept in order. Not thread-safe; parse once.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::api {

struct FlagSpec {
  std::set<std::string> booleans;  // take no value
  std::set<std::string> singles;   // take exactly one value
  std::set<std::string> multis;    // take one or more values; repeatable
};

class CliArgs {
 public:
  // Parses `words` (after the subcommand). InvalidArgument for an unknown flag (with the
  // nearest known one suggested), a missing value, or a boolean given a value.
  static Result<CliArgs> Parse(const std::vector<std::string>& words, const FlagSpec& spec);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // The flag as a number; InvalidArgument naming the flag when it is not one.
  Result<std::optional<double>> GetDouble(const std::string& name) const;
  Result<std::optional<long>> GetInt(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

}  // namespace sky::api
