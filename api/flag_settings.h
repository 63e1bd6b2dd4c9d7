#pragma once
// Small readers of flag values shared by the composition root's wiring files
// (provider_registry.cc, local_wiring.cc): a flag or its environment variable, comma lists and
// non-negative numbers. Plain functions; thread-safe as long as nothing changes the environment
// meanwhile (Setting reads it).

#include <string>
#include <vector>

#include "api/cli/args.h"
#include "sky/types/result.h"

namespace sky::api {

// The flag's value, else the environment variable's (when set and not empty), else "".
std::string Setting(const CliArgs& args, const std::string& flag, const char* env_var);

// The non-empty items of "a, b,,c" with spaces trimmed: {"a", "b", "c"}.
std::vector<std::string> SplitCommas(const std::string& text);

// A flag's value when it is a number >= 0; `fallback` when absent. InvalidArgument naming the
// flag for a value that is not a number or is negative.
Result<double> NonNegative(const CliArgs& args, const std::string& flag, double fallback);

}  // namespace sky::api
