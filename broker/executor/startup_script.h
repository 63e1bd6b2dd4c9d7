#pragma once
// The bash startup script a stage attempt's instance boots with (DESIGN.md "Execution model").
//
// What the script does, in order:
//  1. Makes a private directory (mktemp -d, umask 077) holding the command's log, the progress
//     and checkpoint files, the request body and the Authorization header (the token is written
//     there by the shell's printf builtin, so it is never on a command line seen by `ps`, never
//     exported to the command and never printed).
//  2. Runs `command` with `bash -c` in the background, stdin from /dev/null, stdout and stderr
//     appended to the log. Only the command sees `env` (exported, values verbatim) plus:
//       SKY_PROGRESS_FILE    the command may write a fraction 0..1 there (e.g. "0.4")
//       SKY_CHECKPOINT_FILE  likewise: the fraction of the work saved in its last checkpoint
//     Those two names win over the same names in `env`. A file that is missing, or whose
//     first word is not a plain decimal number within 0..1, is left out of the reports.
//  3. Every `heartbeat_interval_seconds` while the command runs (the first one after one
//     interval): POST heartbeat_url with `{"progress": p, "checkpoint": c}` (fields omitted as
//     above, so possibly `{}`). A failed heartbeat is not retried; the next one follows.
//  4. Within one interval (at most 1 s) of the command's exit: POST
//     `{"progress": p, "checkpoint": c, "exit_code": n, "log_tail": "..."}` where log_tail is
//     the last `log_tail_lines` lines of the log (at most the last 16 KiB of them; of a line
//     rewritten with carriage returns, as progress bars do, only the last rewrite; invalid
//     UTF-8 dropped; JSON-escaped). This report is retried up to `final_post_attempts` times,
//     waiting `final_retry_backoff_seconds` doubled per retry (capped at 60 s), because the
//     broker may be restarting; a 4xx answer other than 408/429 ends the retries.
//  5. Removes the header file and exits with the command's exit code (128+N after signal N).
// Every request is `curl -fsS` with connect and total timeouts, header
// `Authorization: Bearer <token>` and `Content-Type: application/json`. Nothing else is sent:
// no environment, no files. The log stays in the private directory for debugging.
//
// Needs only bash (3.2+), curl (7.55+, for `-H @file`), mktemp, head, tail, awk, tr and a
// sleep that takes fractions (GNU coreutils or busybox); iconv is used when present.

#include <map>
#include <string>

namespace sky::broker {

struct StartupScriptParams {
  // Full URL of this stage's heartbeat endpoint.
  std::string heartbeat_url;
  // The attempt's stage token (secret).
  std::string token;
  // The stage's shell command, run with `bash -c`.
  std::string command;
  // Extra variables exported to the command, e.g. SKY_PIPELINE_ID, SKY_STAGE, SKY_ATTEMPT,
  // SKY_RESUME_FROM. A name that is not a shell identifier ([A-Za-z_][A-Za-z0-9_]*) is skipped.
  std::map<std::string, std::string> env;
  // Seconds between heartbeats, within 0.1..86400 (NaN counts as 30). Default: 30.
  double heartbeat_interval_seconds = 30;
  // Lines of output sent with the final report; negative counts as 0. Default: 50.
  int log_tail_lines = 50;
  // Tries of the final report, within 1..100. Default: 10.
  int final_post_attempts = 10;
  // First wait between two tries of the final report, within 0.01..60 s (NaN counts as 1),
  // doubled per retry up to 60 s. Default: 1 (so 10 tries span about 4 minutes).
  double final_retry_backoff_seconds = 1;
};

// Renders the script described above. Deterministic: the same params give the same text.
// Every param value is embedded single-quoted, so no value can break out of its quoting.
// Thread-safe (pure function).
std::string RenderStartupScript(const StartupScriptParams& params);

// `value` as one single-quoted bash word (a `'` inside becomes `'\''`). Thread-safe.
std::string ShellQuote(const std::string& value);

}  // namespace sky::broker
