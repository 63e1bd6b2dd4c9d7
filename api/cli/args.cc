#include "api/cli/args.h"

#include <algorithm>
#include <cstdlib>

namespace sky::api {
namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

Status UnknownFlag(const std::string& name, const FlagSpec& spec) {
  std::string best;
  size_t best_d = 4;
  for (const auto* set : {&spec.booleans, &spec.singles, &spec.multis}) {
    for (const auto& known : *set) {
      size_t d = EditDistance(name, known);
      if (d < best_d) best_d = d, best = known;
    }
  }
  std::string msg = "unknown flag --" + name;
  if (!best.empty()) msg += " (did you mean --" + best + "?)";
  return Status::InvalidArgument(msg);
}

bool IsFlag(const std::string& word) { return word.size() > 2 && word.rfind("--", 0) == 0; }

}  // namespace

Result<CliArgs> CliArgs::Parse(const std::vector<std::string>& words, const FlagSpec& spec) {
  CliArgs args;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!IsFlag(word)) {
      args.positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto& slot = args.values_[name];
    if (spec.booleans.count(name)) {
      if (inline_value) return Status::InvalidArgument("flag --" + name + " takes no value");
      continue;
    }
    const bool multi = spec.multis.count(name) > 0;
    if (!multi && !spec.singles.count(name)) return UnknownFlag(name, spec);
    if (inline_value) {
      slot.push_back(*inline_value);
      continue;
    }
    size_t taken = 0;
    while (i + 1 < words.size() && !IsFlag(words[i + 1]) && (multi || taken == 0)) {
      slot.push_back(words[++i]);
      ++taken;
    }
    if (taken == 0) return Status::InvalidArgument("flag --" + name + " needs a value");
  }
  return args;
}

std::optional<std::string> CliArgs::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> CliArgs::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::optional<double>> CliArgs::GetDouble(const std::string& name) const {
  auto text = Get(name);
  if (!text) return std::optional<double>();
  char* end = nullptr;
  double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0') {
    return Status::InvalidArgument("flag --" + name + ": not a number: '" + *text + "'");
  }
  return std::optional<double>(v);
}

Result<std::optional<long>> CliArgs::GetInt(const std::string& name) const {
  auto text = Get(name);
  if (!text) return std::optional<long>();
  char* end = nullptr;
  long v = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || v < 0) {
    return Status::InvalidArgument("flag --" + name + ": not a non-negative integer: '" + *text +
                                   "'");
  }
  return std::optional<long>(v);
}

}  // namespace sky::api
