#include "api/cli/args.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "sky/types/edit_distance.h"

namespace sky::api {
namespace {

constexpr size_t kHelpWidth = 92;  // the usage's right margin
// Where the help column starts; a longer "  --name VALUE" puts its help on the next line.
constexpr size_t kHelpColumn = 27;
// Joins two words that must not be wrapped apart.
constexpr char kGlue = '\x1f';

Status UnknownFlag(const std::string& name, const FlagSpec& spec) {
  std::string best;
  size_t best_d = 4;
  for (const Flag& known : spec.flags()) {
    size_t d = EditDistance(name, known.name);
    if (d < best_d) best_d = d, best = known.name;
  }
  std::string msg = "unknown flag --" + name;
  if (!best.empty()) msg += " (did you mean --" + best + "?)";
  return Status::InvalidArgument(msg);
}

bool IsFlag(const std::string& word) { return word.size() > 2 && word.rfind("--", 0) == 0; }

// "--name VALUE", "--name VALUE..." or "--name".
std::string Synopsis(const Flag& flag) {
  std::string text = "--" + flag.name;
  if (flag.kind != FlagKind::kBoolean) text += " " + (flag.value.empty() ? "VALUE" : flag.value);
  if (flag.kind == FlagKind::kMulti) text += "...";
  return text;
}

// `text` in lines of at most `width` characters, broken at spaces.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines(1);
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > width)
      lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
  }
  for (std::string& line : lines) std::replace(line.begin(), line.end(), kGlue, ' ');
  return lines;
}

// One flag's entry: its synopsis, then its help wrapped in the help column.
void PrintEntry(const Flag& flag, std::ostream& out) {
  constexpr size_t column = kHelpColumn;
  const std::string synopsis = "  " + Synopsis(flag);
  std::string help = flag.help;
  // "(default" stays on the line of the value's first word (kGlue is printed as a space).
  if (!flag.default_value.empty())
    help += std::string(" (default") + kGlue + flag.default_value + ")";
  const std::vector<std::string> lines = Wrap(help, kHelpWidth - column);
  out << synopsis;
  if (help.empty()) {
    out << "\n";
    return;
  }
  // The first line beside the synopsis when it fits there, the others under it.
  const bool beside = synopsis.size() + 2 <= column;
  if (!beside) out << "\n";
  size_t at = beside ? synopsis.size() : 0;
  for (const std::string& line : lines) {
    out << std::string(column - at, ' ') << line << "\n";
    at = 0;
  }
}

}  // namespace

FlagSpec& FlagSpec::Group(const std::string& title) {
  auto it = std::find_if(groups_.begin(), groups_.end(),
                         [&title](const FlagGroup& g) { return g.title == title; });
  current_ = static_cast<size_t>(it - groups_.begin());
  if (it == groups_.end()) groups_.push_back(FlagGroup{title, {}});
  return *this;
}

FlagSpec& FlagSpec::Add(Flag flag) {
  if (Find(flag.name) != nullptr) return *this;
  if (groups_.empty()) Group("flags");
  groups_[current_].flags.push_back(flags_.size());
  flags_.push_back(std::move(flag));
  return *this;
}

FlagSpec& FlagSpec::Boolean(std::string name, std::string help) {
  return Add(Flag{std::move(name), FlagKind::kBoolean, "", std::move(help), ""});
}

FlagSpec& FlagSpec::Single(std::string name, std::string value, std::string help,
                           std::string default_value) {
  return Add(Flag{std::move(name), FlagKind::kSingle, std::move(value), std::move(help),
                  std::move(default_value)});
}

FlagSpec& FlagSpec::Multi(std::string name, std::string value, std::string help) {
  return Add(Flag{std::move(name), FlagKind::kMulti, std::move(value), std::move(help), ""});
}

const Flag* FlagSpec::Find(const std::string& name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

std::string FlagSpec::Help() const {
  std::ostringstream out;
  for (const FlagGroup& group : groups_) {
    if (group.flags.empty()) continue;
    for (const std::string& line : Wrap(group.title + ":", kHelpWidth)) out << line << "\n";
    for (size_t i : group.flags) PrintEntry(flags_[i], out);
  }
  return out.str();
}

std::string FormatDefault(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

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
    const Flag* flag = spec.Find(name);
    if (flag == nullptr) return UnknownFlag(name, spec);
    auto& slot = args.values_[name];
    if (flag->kind == FlagKind::kBoolean) {
      if (inline_value) return Status::InvalidArgument("flag --" + name + " takes no value");
      continue;
    }
    const bool multi = flag->kind == FlagKind::kMulti;
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
