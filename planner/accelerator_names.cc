#include "planner/accelerator_names.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "sky/planner/spec.h"
#include "sky/types/ascii.h"
#include "sky/types/edit_distance.h"

namespace sky::planner {
namespace internal {

std::vector<std::string> NearestNames(std::string_view name, const std::vector<std::string>& known,
                                      size_t max) {
  std::vector<std::pair<size_t, std::string>> scored;
  std::set<std::string> seen;
  for (const std::string& candidate : known) {
    if (!seen.insert(AsciiLower(candidate)).second) continue;
    scored.emplace_back(EditDistance(name, candidate, /*ignore_ascii_case=*/true), candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  if (scored.empty()) return out;
  // A plausible typo: a third of the name or less (at least one edit, never all of it), and
  // no worse than one edit beyond the best match.
  const size_t limit = std::min({std::max<size_t>(1, name.size() / 3), scored.front().first + 1,
                                 name.size() == 0 ? 0 : name.size() - 1});
  for (const auto& [distance, candidate] : scored) {
    if (distance > limit || out.size() >= max) break;
    out.push_back(candidate);
  }
  return out;
}

std::string DidYouMean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string out = "did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i ? ", \"" : "\"") + names[i] + "\"";
  }
  return out + "?";
}

}  // namespace internal

namespace {

// Splits one CSV line, honouring double quotes (the Clouds column holds commas).
std::vector<std::string> SplitQuoted(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

Result<std::vector<std::string>> LoadAcceleratorNames(const std::string& csv_path) {
  std::ifstream in(csv_path);
  if (!in) return Status::NotFound("cannot open accelerator list " + csv_path);
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument(csv_path + ":1: empty file");
  std::vector<std::string> header = SplitQuoted(line);
  auto column = std::find(header.begin(), header.end(), "AcceleratorName");
  if (column == header.end()) {
    return Status::InvalidArgument(csv_path + ":1: no AcceleratorName column");
  }
  const size_t index = static_cast<size_t>(column - header.begin());
  std::vector<std::string> names;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> fields = SplitQuoted(line);
    if (fields.size() <= index || fields[index].empty()) {
      return Status::InvalidArgument(csv_path + ":" + std::to_string(line_no) +
                                     ": missing AcceleratorName");
    }
    names.push_back(fields[index]);
  }
  return names;
}

}  // namespace sky::planner
