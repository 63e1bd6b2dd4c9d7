#pragma once
// Command-line flags of `skybroker SUBCOMMAND`: `--name value`, `--name=value`, boolean
// `--name`, and multi-value flags that take every following word up to the next flag
// (`--catalog a.csv dir/`). Positional words are kept in order. Each flag is declared once, as
// a row of a FlagSpec (name, kind, value, default, help): the parser reads the table and the
// usage text is printed from it. Not thread-safe; build a spec and parse once.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::api {

// How a flag takes its value.
enum class FlagKind {
  kBoolean,  // `--name`; takes no value
  kSingle,   // `--name VALUE` or `--name=VALUE`; the last one given counts
  kMulti,    // `--name V1 V2...`, every word up to the next flag; repeatable
};

// One row of a flag table.
struct Flag {
  std::string name;  // without the leading "--"
  FlagKind kind = FlagKind::kSingle;
  std::string value;          // the value's placeholder in the usage ("N", "PATH"); booleans: ""
  std::string help;           // what the flag does
  std::string default_value;  // printed as "(default X)"; empty: nothing printed
};

// A command's flags in titled groups, in the order its usage lists them.
class FlagSpec {
 public:
  // Makes `title` the current group (a new one at the end, or an existing one): the flags
  // added next are listed under "title:". Before any call the group is "flags".
  FlagSpec& Group(const std::string& title);
  // Adds `flag` to the current group. A name already declared keeps its first declaration.
  FlagSpec& Add(Flag flag);
  FlagSpec& Boolean(std::string name, std::string help);
  FlagSpec& Single(std::string name, std::string value, std::string help,
                   std::string default_value = "");
  FlagSpec& Multi(std::string name, std::string value, std::string help);

  // The flag named `name` (without "--"), or null.
  const Flag* Find(const std::string& name) const;
  const std::vector<Flag>& flags() const { return flags_; }

  // The usage's flag section: each non-empty group as "title:" and one entry per flag,
  // "  --name VALUE  help (default X)", the help in a column from 27 to 92 characters.
  std::string Help() const;

 private:
  struct FlagGroup {
    std::string title;
    std::vector<size_t> flags;  // indices into flags_
  };
  std::vector<Flag> flags_;
  std::vector<FlagGroup> groups_;
  size_t current_ = 0;  // index into groups_, once there is one
};

// `value` as a flag default: "30", "0.5", "4194304" (no trailing zeros).
std::string FormatDefault(double value);

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
