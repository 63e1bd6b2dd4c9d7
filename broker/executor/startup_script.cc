#include "broker/executor/startup_script.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

namespace sky::broker {
namespace {

// The fixed part of the script; the settings it reads (sky_url, sky_token, sky_command,
// sky_tick, sky_ticks_per_beat, sky_tail_lines, sky_backoffs, sky_env) are rendered above it.
// Kept to POSIX tools and bash 3.2 (macOS, Amazon Linux 2) and tested with mawk, the most
// limited awk on common images.
constexpr std::string_view kScriptBody = R"SKY(
sky_dir=$(mktemp -d) || { echo "skybroker: mktemp -d failed" >&2; exit 1; }
sky_log="$sky_dir/log"
sky_progress="$sky_dir/progress"
sky_checkpoint="$sky_dir/checkpoint"
sky_auth="$sky_dir/auth"
sky_body="$sky_dir/body"
trap 'rm -f "$sky_auth"' EXIT
# printf is a builtin: the token never appears on a command line.
printf 'Authorization: Bearer %s\n' "$sky_token" >"$sky_auth" || exit 1
unset sky_token
: >>"$sky_log"

# Prints the first word of file $1 when it is a decimal number within 0..1.
sky_fraction() {
  [ -f "$1" ] || return 1
  head -c 64 "$1" 2>/dev/null | LC_ALL=C awk '
    NR == 1 { if ($1 ~ /^([0-9]+|[0-9]*\.[0-9]+)([eE][-+]?[0-9]+)?$/) {
                v = $1 + 0; if (v >= 0 && v <= 1) { printf "%.6g", v; ok = 1 } }
              exit }
    END { exit !ok }'
}

# Writes the JSON body: progress and checkpoint when known, then the fields in $1.
sky_write_body() {
  local fields='' v
  if v=$(sky_fraction "$sky_progress"); then fields="\"progress\":$v"; fi
  if v=$(sky_fraction "$sky_checkpoint"); then fields="${fields:+$fields,}\"checkpoint\":$v"; fi
  if [ -n "$1" ]; then fields="${fields:+$fields,}$1"; fi
  printf '{%s}' "$fields" >"$sky_body"
}

# POSTs the body and prints the HTTP status (000 when none); fails unless it was 2xx.
# `Expect:` stops older curls from pausing a second for a 100-continue before large bodies.
sky_post() {
  curl -fsS -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 15 \
    -H @"$sky_auth" -H 'Content-Type: application/json' -H 'Expect:' \
    --data-binary @"$sky_body" "$sky_url"
}

# Drops invalid UTF-8 (the broker's JSON parser rejects it); without iconv, every non-ASCII
# byte becomes '?'.
sky_valid_utf8() {
  if command -v iconv >/dev/null 2>&1; then
    iconv -c -f UTF-8 -t UTF-8 2>/dev/null
  else
    LC_ALL=C tr '\200-\377' '?'
  fi
}

# The log's last lines as the contents of a JSON string. Of a line rewritten with carriage
# returns (progress bars) only the last rewrite is kept.
sky_log_tail() {
  tail -n "$sky_tail_lines" "$sky_log" 2>/dev/null | tail -c 16384 | tr -d '\000' |
    sky_valid_utf8 | LC_ALL=C awk '
    BEGIN { for (i = 1; i < 32; i++) esc[sprintf("%c", i)] = sprintf("\\u%04x", i)
            esc["\b"] = "\\b"; esc["\f"] = "\\f"; esc["\t"] = "\\t"; esc["\r"] = "\\r"
            esc["\""] = "\\\""; esc["\\"] = "\\\\" }
    { sub(/\r+$/, ""); n = split($0, parts, "\r"); s = (n > 0 ? parts[n] : ""); out = ""
      while (match(s, /[\001-\037"\\]/)) {
        out = out substr(s, 1, RSTART - 1) esc[substr(s, RSTART, 1)]
        s = substr(s, RSTART + 1) }
      printf "%s%s%s", (NR > 1 ? "\\n" : ""), out, s }'
}

sky_run() {
  sky_env
  export SKY_PROGRESS_FILE="$sky_progress" SKY_CHECKPOINT_FILE="$sky_checkpoint"
  exec bash -c "$sky_command"
}
sky_run </dev/null >>"$sky_log" 2>&1 &
sky_pid=$!

sky_ticks=0
while kill -0 "$sky_pid" 2>/dev/null; do
  sleep "$sky_tick"
  sky_ticks=$((sky_ticks + 1))
  if [ "$sky_ticks" -ge "$sky_ticks_per_beat" ] && kill -0 "$sky_pid" 2>/dev/null; then
    sky_ticks=0
    sky_write_body '' && sky_post >/dev/null
  fi
done
wait "$sky_pid"
sky_code=$?

# The final report, retried: the broker may be restarting. A 4xx (other than timeout or
# throttling) is the broker's answer (e.g. a superseded token): retrying cannot change it.
sky_write_body "\"exit_code\":$sky_code,\"log_tail\":\"$(sky_log_tail)\""
for sky_wait in $sky_backoffs ''; do
  sky_status=$(sky_post) && break
  case "$sky_status" in
    408 | 429) ;;
    4??) echo "skybroker: final report rejected (HTTP $sky_status)" >&2; break ;;
  esac
  if [ -z "$sky_wait" ]; then echo "skybroker: final report not delivered" >&2; break; fi
  sleep "$sky_wait"
done
exit "$sky_code"
)SKY";

constexpr double kMinIntervalSeconds = 0.1;
constexpr double kMaxIntervalSeconds = 86400;
constexpr int kMaxFinalAttempts = 100;
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

bool IsShellName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || std::isalnum(static_cast<unsigned char>(c));
  });
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

// The waits between tries of the final report, as a space-separated list.
std::string RenderBackoffs(const StartupScriptParams& params) {
  const int attempts = std::clamp(params.final_post_attempts, 1, kMaxFinalAttempts);
  const double first = ClampOr(params.final_retry_backoff_seconds, 0.01, 60.0, 1);
  long long wait_millis = std::llround(first * 1000);
  std::string waits;
  for (int i = 1; i < attempts; ++i) {
    if (!waits.empty()) waits += ' ';
    waits += FormatMillis(wait_millis);
    wait_millis = std::min(wait_millis * 2, kMaxBackoffMillis);
  }
  return "sky_backoffs=" + ShellQuote(waits) + "\n";
}

std::string RenderEnvFunction(const std::map<std::string, std::string>& env) {
  std::string text = "sky_env() {\n  :\n";
  for (const auto& [name, value] : env) {
    if (IsShellName(name)) text += "  export " + name + "=" + ShellQuote(value) + "\n";
  }
  return text + "}\n";
}

}  // namespace

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
  script += RenderTiming(params.heartbeat_interval_seconds);
  script += "sky_tail_lines=" + std::to_string(std::max(0, params.log_tail_lines)) + "\n";
  script += RenderBackoffs(params);
  script += RenderEnvFunction(params.env);
  script += kScriptBody;
  return script;
}

}  // namespace sky::broker
