#include "broker/executor/startup_script.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string_view>
#include <vector>

#include "broker/executor/container_run.h"
#include "broker/executor/startup_script_body.h"

namespace sky::broker {
namespace {

constexpr double kMinIntervalSeconds = 0.1;
constexpr double kMaxIntervalSeconds = 86400;
constexpr int kMaxFinalAttempts = 100;
constexpr int kMaxUploadAttempts = 20;
constexpr long long kMaxBackoffMillis = 60'000;

// `value` within lo..hi; `fallback` when it is NaN (which std::clamp would pass through).
double ClampOr(double value, double lo, double hi, double fallback) {
  return std::isnan(value) ? fallback : std::clamp(value, lo, hi);
}

// "S.mmm" from milliseconds: sleep(1) accepts it, and no locale can turn the dot into a comma.
std::string FormatMillis(long long millis) {
  std::string fraction = std::to_string(millis % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(millis / 1000) + "." + fraction;
}

// The heartbeat loop wakes at least once a second (so the exit is noticed quickly) and posts
// every `ticks_per_beat` wake-ups.
std::string RenderTiming(double interval_seconds) {
  const double interval = ClampOr(interval_seconds, kMinIntervalSeconds, kMaxIntervalSeconds, 30);
  const long long interval_millis = std::llround(interval * 1000);
  const long long ticks_per_beat = std::max(1LL, (interval_millis + 999) / 1000);
  return "sky_tick=" + FormatMillis(interval_millis / ticks_per_beat) +
         "\nsky_ticks_per_beat=" + std::to_string(ticks_per_beat) + "\n";
}

// The waits between `attempts` tries, the first `first_seconds` (clamped to 0.01..60, NaN
// counting as `fallback`), doubled per retry up to 60 s, as a space-separated list.
std::string RenderWaits(int attempts, double first_seconds, double fallback) {
  long long wait_millis = std::llround(ClampOr(first_seconds, 0.01, 60.0, fallback) * 1000);
  std::string waits;
  for (int i = 1; i < attempts; ++i) {
    if (!waits.empty()) waits += ' ';
    waits += FormatMillis(wait_millis);
    wait_millis = std::min(wait_millis * 2, kMaxBackoffMillis);
  }
  return waits;
}

std::string RenderBackoffs(const StartupScriptParams& params) {
  const int attempts = std::clamp(params.final_post_attempts, 1, kMaxFinalAttempts);
  return "sky_backoffs=" +
         ShellQuote(RenderWaits(attempts, params.final_retry_backoff_seconds, 1)) + "\n";
}

std::string RenderEnvFunction(const std::map<std::string, std::string>& env) {
  std::string text = "sky_env() {\n  :\n";
  for (const auto& [name, value] : env) {
    if (IsShellName(name)) text += "  export " + name + "=" + ShellQuote(value) + "\n";
  }
  return text + "}\n";
}

std::string Assign(const std::string& name, const std::string& value) {
  return name + "=" + ShellQuote(value) + "\n";
}

// sky_identity exports the instance-identity remotes; sky_inputs copies every input.
std::string RenderDataFunctions(const ScriptData& data) {
  std::string text = "sky_identity() {\n  :\n";
  for (const auto& [key, value] : data.identity_remotes) {
    if (IsShellName(key)) text += "  export " + Assign("RCLONE_CONFIG_" + key, value);
  }
  text += "}\nsky_inputs() {\n  :\n";
  for (const ScriptInput& input : data.inputs) {
    text += "  sky_input " + ShellQuote(input.name) + " " + ShellQuote(input.from.uri) + " " +
            ShellQuote(input.from.rclone_path) + " || return 1\n";
  }
  return text + "}\n";
}

// The data plane's settings; all empty (sky_data='') when there is no output path.
std::string RenderData(const ScriptData& data) {
  const bool on = !data.output.rclone_path.empty();
  const ScriptData none;
  const ScriptData& d = on ? data : none;
  const bool restore = !d.restore.uri.empty() && !d.restore.rclone_path.empty();
  const int attempts = std::clamp(d.upload_attempts, 1, kMaxUploadAttempts);
  std::string text = Assign("sky_data", on ? "1" : "");
  text += Assign("sky_output_path", d.output.rclone_path);
  text += Assign("sky_output_uri", d.output.uri);
  text += Assign("sky_checkpoints_path", d.checkpoints.rclone_path);
  text += Assign("sky_checkpoints_uri", d.checkpoints.uri);
  text += Assign("sky_restore_path", restore ? d.restore.rclone_path : "");
  text += Assign("sky_restore_uri", restore ? d.restore.uri : "");
  text += Assign("sky_creds_url", d.credentials_url);
  text += Assign("sky_upload_waits", RenderWaits(attempts, d.upload_backoff_seconds, 2));
  text += "sky_upload_tries=" + std::to_string(attempts) + "\n";
  return text + RenderDataFunctions(d);
}

// sky_image plus, with an image, the functions that run setup and command in it.
std::string RenderContainer(const StartupScriptParams& params) {
  if (params.container.image.empty()) return Assign("sky_image", "");
  std::set<std::string> names = {"SKY_PROGRESS_FILE", "SKY_CHECKPOINT_FILE", "SKY_INPUTS",
                                 "SKY_OUTPUT_DIR",    "SKY_CHECKPOINT_DIR",  "SKY_RESUME_FROM"};
  for (const auto& [name, value] : params.env) {
    if (IsShellName(name)) names.insert(name);
  }
  return Assign("sky_image", params.container.image) +
         RenderContainerRun(params.container, std::vector<std::string>(names.begin(), names.end()));
}

}  // namespace

bool IsShellName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || std::isalnum(static_cast<unsigned char>(c));
  });
}

std::string ShellQuote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string RenderStartupScript(const StartupScriptParams& params) {
  std::string script =
      "#!/bin/bash\n"
      "# skybroker stage startup script, generated by RenderStartupScript\n"
      "# (broker/startup_script.h says what it sends and when).\n"
      "set -u\n"
      "umask 077\n";
  script += "sky_url=" + ShellQuote(params.heartbeat_url) + "\n";
  script += "sky_token=" + ShellQuote(params.token) + "\n";
  script += "sky_command=" + ShellQuote(params.command) + "\n";
  script += Assign("sky_setup", params.setup);
  script += RenderTiming(params.heartbeat_interval_seconds);
  script += "sky_tail_lines=" + std::to_string(std::max(0, params.log_tail_lines)) + "\n";
  script += RenderBackoffs(params);
  script += RenderEnvFunction(params.env);
  script += RenderData(params.data);
  script += RenderContainer(params);
  script += script_body::kHelpers;
  script += script_body::kData;
  script += script_body::kMain;
  return script;
}

}  // namespace sky::broker
