#include "providers/sim/sim_agent.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace sky::providers {
namespace {

// The whole text must be a finite number: "12abc" or "nan" is malformed, not 12 or NaN.
// from_chars rather than strtod: it ignores the process locale.
std::optional<double> ParseNumber(const std::map<std::string, std::string>& tags, const char* key) {
  auto it = tags.find(key);
  if (it == tags.end()) return std::nullopt;
  const std::string& text = it->second;
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "3600", "1.5", "0.125": at most millisecond precision, without trailing zeros.
std::string FormatSeconds(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", seconds);
  std::string text = buf;
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::optional<SimWork> ParseSimWork(const std::map<std::string, std::string>& tags) {
  const std::optional<double> work = ParseNumber(tags, kTagWorkSeconds);
  if (!work || *work <= 0) return std::nullopt;
  SimWork out;
  out.work_seconds = *work;
  const std::optional<double> resume = ParseNumber(tags, kTagResumeFrom);
  if (resume && *resume >= 0 && *resume <= 1) out.resume_from = *resume;
  const std::optional<double> interval = ParseNumber(tags, kTagCheckpointSeconds);
  if (interval && *interval > 0) out.checkpoint_seconds = interval;
  return out;
}

std::optional<AgentReport> SimulateAgent(const SimWork& work, double running_since, double at) {
  if (at < running_since) return std::nullopt;
  const double elapsed = at - running_since;
  const double run_seconds = (1 - work.resume_from) * work.work_seconds;
  AgentReport report;
  if (elapsed >= run_seconds) {
    report.progress = 1;
    report.checkpoint = 1;
    report.exit_code = 0;
    report.log_tail = "sim: stage finished after " + FormatSeconds(run_seconds) + " s";
    return report;
  }
  report.progress = std::min(1.0, work.resume_from + elapsed / work.work_seconds);
  report.checkpoint = work.resume_from;
  if (work.checkpoint_seconds) {
    const double c = *work.checkpoint_seconds;
    report.checkpoint =
        std::min(1.0, work.resume_from + std::floor(elapsed / c) * c / work.work_seconds);
  }
  report.log_tail =
      "sim: running, " + FormatSeconds(elapsed) + " s of " + FormatSeconds(run_seconds) + " s";
  return report;
}

std::optional<AgentReport> SimulateAgentForTags(const std::map<std::string, std::string>& tags,
                                                double running_since, double at) {
  const std::optional<SimWork> work = ParseSimWork(tags);
  if (!work) return std::nullopt;
  return SimulateAgent(*work, running_since, at);
}

}  // namespace sky::providers
