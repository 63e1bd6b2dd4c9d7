#include "api/cli/pipeline_printer.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iterator>
#include <sstream>

#include "api/cli/table_printer.h"

namespace sky::api {
namespace {

using nlohmann::json;

// The field as text / number, or the fallback when it is missing or of another type; the
// server's answer is input, so nothing here may throw.
std::string Text(const json& j, const char* key, const std::string& fallback = "-") {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

double Number(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0;
}

const json& Field(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The stage's latest attempt in the view, or null.
const json* LatestAttempt(const json& view, const std::string& stage) {
  const json* latest = nullptr;
  const json& attempts = Field(view, "attempts");
  if (!attempts.is_array()) return nullptr;
  for (const json& a : attempts) {
    if (Text(a, "stage") == stage &&
        (latest == nullptr || Number(a, "attempt") >= Number(*latest, "attempt"))) {
      latest = &a;
    }
  }
  return latest;
}

// What the stage has cost so far: its ended attempts (the store's sum) plus each live one's
// price x the time since it was requested, on the server's clock (`now_unix` of the view).
double StageCost(const json& view, const json& stage) {
  double cost = Number(stage, "cost_usd");
  const double now = Number(view, "now_unix");
  const json& attempts = Field(view, "attempts");
  if (now <= 0 || !attempts.is_array()) return cost;
  const std::string name = Text(stage, "name");
  for (const json& a : attempts) {
    if (Text(a, "stage") != name || !Field(a, "ended_at_unix").is_null()) continue;
    const double hours = (now - Number(a, "requested_at_unix")) / 3600;
    if (hours > 0) cost += hours * Number(a, "price_per_hour");
  }
  return cost;
}

std::string Where(const json* attempt) {
  if (attempt == nullptr) return "-";
  return Text(*attempt, "location") + "/" + Text(*attempt, "market");
}

std::string Percent(double fraction) {
  return std::to_string(static_cast<int>(std::lround(fraction * 100))) + "%";
}

const json& Stages(const json& view) {
  static const json kEmpty = json::array();
  const json& stages = Field(view, "stages");
  return stages.is_array() ? stages : kEmpty;
}

}  // namespace

std::string FormatUsd(double usd) { return "$" + FormatFixed(usd, 2); }

std::string FormatBytes(double bytes) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  size_t unit = 0;
  while (bytes >= 1000 && unit + 1 < std::size(kUnits)) {
    bytes /= 1000;
    ++unit;
  }
  return FormatFixed(bytes, unit == 0 ? 0 : 1) + " " + kUnits[unit];
}

std::string FormatAge(double seconds) {
  if (!(seconds > 0)) return "0s";
  const auto s = static_cast<long long>(seconds);
  if (s < 120) return std::to_string(s) + "s";
  if (s < 2 * 3600) return std::to_string(s / 60) + "m";
  if (s < 2 * 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::vector<std::string> StageLines(const json& view) {
  size_t name_width = 0;
  for (const json& stage : Stages(view))
    name_width = std::max(name_width, Text(stage, "name").size());
  std::vector<std::string> lines;
  for (const json& stage : Stages(view)) {
    const std::string name = Text(stage, "name");
    std::ostringstream line;
    line << "  " << std::left << std::setw(static_cast<int>(name_width)) << name << "  "
         << std::setw(12) << Text(stage, "state") << "  attempt "
         << static_cast<long long>(Number(stage, "attempt")) << "  "
         << Where(LatestAttempt(view, name)) << "  " << Percent(Number(stage, "progress")) << "  "
         << FormatUsd(StageCost(view, stage));
    lines.push_back(line.str());
  }
  return lines;
}

std::string EventLine(const json& event) {
  std::ostringstream line;
  line << Text(event, "at") << "  " << std::left << std::setw(10) << Text(event, "stage") << "  "
       << std::setw(8) << Text(event, "kind") << "  " << Text(event, "message", "");
  return line.str();
}

void PrintPipelines(const json& listing, std::ostream& out) {
  TablePrinter table({"ID", "NAME", "STATE", "STAGES", "COST", "AGE"},
                     {false, false, false, true, true, true});
  const double now = Number(listing, "now_unix");
  const json& rows = Field(listing, "pipelines");
  for (const json& p : rows.is_array() ? rows : json::array()) {
    table.AddRow({Text(p, "id"), Text(p, "name"), Text(p, "state"),
                  std::to_string(static_cast<long long>(Number(p, "stages_succeeded"))) + "/" +
                      std::to_string(static_cast<long long>(Number(p, "stages_total"))),
                  FormatUsd(Number(p, "cost_usd")), FormatAge(now - Number(p, "created_at_unix"))});
  }
  table.Print(out);
}

void PrintPipeline(const json& view, std::ostream& out) {
  out << "pipeline " << Text(view, "id") << " (" << Text(view, "name")
      << "): " << Text(view, "state") << "   created " << Text(view, "created_at") << ", updated "
      << Text(view, "updated_at") << "\n\n";
  TablePrinter table({"STAGE", "STATE", "ATTEMPT", "WHERE", "PROGRESS", "FAILURES", "COST"},
                     {false, false, true, false, true, true, true});
  for (const json& stage : Stages(view)) {
    const std::string name = Text(stage, "name");
    table.AddRow({name, Text(stage, "state"),
                  std::to_string(static_cast<long long>(Number(stage, "attempt"))),
                  Where(LatestAttempt(view, name)), Percent(Number(stage, "progress")),
                  std::to_string(static_cast<long long>(Number(stage, "failures"))),
                  FormatUsd(StageCost(view, stage))});
  }
  table.Print(out);
  const json& cost = Field(view, "cost");
  out << "\ncost: actual " << FormatUsd(Number(cost, "actual_usd")) << ", estimated "
      << FormatUsd(Number(cost, "estimated_usd")) << "\n";
  out << "  compute: actual " << FormatUsd(Number(cost, "compute_actual_usd")) << ", planned "
      << FormatUsd(Number(cost, "compute_estimated_usd")) << "\n";
  const json& data = Field(view, "data");
  // Egress of small pipelines is fractions of a cent: four decimals.
  out << "  egress:  actual $" << FormatFixed(Number(cost, "egress_actual_usd"), 4) << ", planned $"
      << FormatFixed(Number(cost, "egress_estimated_usd"), 4) << "   (moved in "
      << FormatBytes(Number(data, "bytes_in")) << ", out " << FormatBytes(Number(data, "bytes_out"))
      << ")\n";
}

void PrintOutcome(const json& view, std::ostream& out) {
  const json& cost = Field(view, "cost");
  out << "pipeline " << Text(view, "id") << " " << Text(view, "state") << ": actual "
      << FormatUsd(Number(cost, "actual_usd")) << " (estimated "
      << FormatUsd(Number(cost, "estimated_usd")) << ")\n";
  for (const json& stage : Stages(view)) {
    const std::string tail = Text(stage, "log_tail", "");
    if (Text(stage, "state") != "failed" || tail.empty()) continue;
    out << "stage " << Text(stage, "name") << " failed; last output:\n";
    std::istringstream lines(tail);
    for (std::string line; std::getline(lines, line);) out << "  | " << line << "\n";
  }
}

bool IsTerminalView(const json& view) {
  const std::string state = Text(view, "state");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

}  // namespace sky::api
