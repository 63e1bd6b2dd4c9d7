#include "api/flag_settings.h"

#include <cstdlib>
#include <utility>

namespace sky::api {

std::string Setting(const CliArgs& args, const std::string& flag, const char* env_var) {
  if (auto value = args.Get(flag)) return *value;
  const char* env = std::getenv(env_var);
  return env != nullptr ? env : "";
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) parts.push_back(std::move(part));
    start = comma + 1;
  }
  return parts;
}

Result<double> NonNegative(const CliArgs& args, const std::string& flag, double fallback) {
  SKY_ASSIGN_OR_RETURN(auto value, args.GetDouble(flag));
  if (!value) return fallback;
  if (*value < 0) return Status::InvalidArgument("flag --" + flag + ": must not be negative");
  return *value;
}

}  // namespace sky::api
