#pragma once
// The bash startup script a stage attempt's instance boots with (DESIGN.md "Execution model").
//
// What the script does, in order (steps 2, 3 and the uploads only with the data plane, i.e. a
// non-empty data.output.rclone_path; without it the script behaves as before it had one):
//  1. Makes a private directory (mktemp -d, umask 077) holding the command's log, the request
//     body, the pending report fields and the Authorization header (the token is written there
//     by the shell's printf builtin, so it is never on a command line seen by `ps`, never
//     exported to the command and never printed), and `signals/` with the progress and
//     checkpoint files (a container mounts `signals/`, never the header).
//  2. Makes inputs/, output/ and checkpoint/ there ($SKY_INPUTS, $SKY_OUTPUT_DIR,
//     $SKY_CHECKPOINT_DIR), exports `identity_remotes` as RCLONE_CONFIG_<KEY> and, with a
//     `credentials_url`, GETs it with the header (`upload_attempts` tries) and `eval`s the
//     answer (`export RCLONE_CONFIG_...='...'` lines) in memory: nothing of it reaches the disk.
//     Every rclone runs with `--config ''`: no config file is read (and no notice about a
//     missing one); remotes come only from RCLONE_CONFIG_* variables.
//  3. In the background, heartbeating meanwhile: `rclone copy` of each input into
//     $SKY_INPUTS/<name>/ (a URI naming one object lands as $SKY_INPUTS/<name>/<basename>; a
//     copy that brought nothing needs `rclone lsjson --stat` of the source to succeed), then of
//     `restore` into $SKY_CHECKPOINT_DIR. A failed fetch or input skips setup and command: the
//     final report has exit_code 1 and data_error "input '<name>' (<uri>): <rclone's error>".
//     A failed restore empties the directory, exports SKY_RESUME_FROM=0 and reports
//     `"restore_failed": true` and a note "checkpoint restore from <uri> failed: <reason>;
//     starting from zero". A heartbeat right after the stage-in carries what it reported.
//  4. With an image, picks podman or docker (neither: data_error "image <x> needs docker or
//     podman on the instance"; container_run.h says how it runs).
//  5. Runs `setup` (once, if any) then `command`, each with `bash -c`, in the background (in
//     the image when there is one), stdin from /dev/null, stdout and stderr appended to the
//     log; a failing setup is the exit status and the command does not run. They see `env`
//     (exported, values verbatim), no RCLONE_* variable, and:
//       SKY_PROGRESS_FILE    the command may write a fraction 0..1 there (e.g. "0.4")
//       SKY_CHECKPOINT_FILE  likewise: the fraction of the work saved in its last checkpoint
//       SKY_INPUTS, SKY_OUTPUT_DIR, SKY_CHECKPOINT_DIR (data plane only)
//     Those names win over the same names in `env`. A file that is missing, or whose first
//     word is not a plain decimal number within 0..1, is left out of the reports.
//  6. Every `heartbeat_interval_seconds` (the first one after one interval), also during the
//     transfers: POST heartbeat_url with `{"progress": p, "checkpoint": c}` plus the pending
//     fields below (so possibly `{}`). A failed heartbeat is not retried; the next one follows.
//     Checkpoints (data plane with checkpoints.rclone_path): at each tick (at most 1 s) with no
//     upload in flight, when the checkpoint file's value changed, $SKY_CHECKPOINT_DIR is
//     copied (cp -Rp) to a private snapshot that is uploaded in the background to
//     `<checkpoints>/<seq>` (seq 1, 2, ... per attempt); only once that upload finished do the
//     reports carry "checkpoint", "checkpoint_seq" and "checkpoint_uri" (`<checkpoints.uri>/
//     <seq>`). A failed upload is a note; the previous checkpoint stays in force. After a
//     failing command a last changed checkpoint is still uploaded. Without the data plane,
//     "checkpoint" is the file's value as read.
//  7. After exit 0 (data plane): `rclone copy` of $SKY_OUTPUT_DIR to output.rclone_path.
//     Success adds "outputs_uri" (output.uri); failure after `upload_attempts` tries makes the
//     exit code 1 with data_error "upload of outputs to <uri> failed after N tries: <error>".
//     Uploads try `upload_attempts` times waiting `upload_backoff_seconds` doubled per retry.
//  8. Within one interval (at most 1 s) of the end: POST `{"progress": p, "checkpoint": c,
//     ..., "exit_code": n, "log_tail": "..."}` where log_tail is the last `log_tail_lines`
//     lines of the log (at most the last 16 KiB of them; of a line rewritten with carriage
//     returns, as progress bars do, only the last rewrite; invalid UTF-8 dropped; JSON-escaped).
//     This report is retried up to `final_post_attempts` times, waiting
//     `final_retry_backoff_seconds` doubled per retry (capped at 60 s), because the broker may
//     be restarting; a 4xx answer other than 408/429 ends the retries.
//  9. Removes the header file and exits with the exit code (128+N after signal N).
// Pending fields, sent with the next report and dropped once a POST got a 2xx: "transfers"
// ([{"kind": "input"|"restore"|"checkpoint"|"output", "name": input name | "checkpoint" |
// seq | "output", "uri", "bytes" (local size after/before the copy), "seconds"}]), "notes"
// ([string]), "restore_failed", "outputs_uri", "data_error". Each transfer is also one line on
// the script's stderr ("skybroker: input corpus: 1234 bytes in 0.4 s"); no credential is.
// Every request is `curl -fsS` with connect and total timeouts and header
// `Authorization: Bearer <token>` (POSTs also `Content-Type: application/json`). Nothing else
// is sent: no environment, no files. The log stays in the private directory for debugging.
//
// Needs only bash (3.2+), curl (7.55+, for `-H @file`), mktemp, head, tail, awk, sed, tr, cut,
// cp and a sleep that takes fractions (GNU coreutils or busybox); iconv is used when present;
// rclone with the data plane (tested with 1.60).

#include <map>
#include <string>
#include <vector>

namespace sky::broker {

// One place the script copies from or to: the object URI it reports (`s3://bucket/key`,
// `file:///dir`) and the same place as an rclone path (`s3:bucket/key`, `/dir`).
struct ScriptLocation {
  std::string uri;
  std::string rclone_path;
};

// An input the script copies into $SKY_INPUTS/<name>/ before `setup` and `command`.
struct ScriptInput {
  std::string name;  // a pipeline input's name, or a predecessor stage's name
  ScriptLocation from;
};

// The data plane of one attempt (README "Data"). Empty `output.rclone_path`: no data plane (the
// script runs as before it had one, e.g. for tests of the heartbeat protocol alone).
struct ScriptData {
  std::vector<ScriptInput> inputs;
  // Where $SKY_OUTPUT_DIR goes after exit 0: `<prefix>/<pipeline>/<stage>/attempt-<n>/output`.
  ScriptLocation output;
  // Checkpoint base: each checkpoint goes to `<checkpoints>/<seq>` (seq 1, 2, ...).
  ScriptLocation checkpoints;
  // The last complete checkpoint to restore into $SKY_CHECKPOINT_DIR (empty uri: none).
  ScriptLocation restore;
  // GET with the attempt's token: answers `export RCLONE_CONFIG_...='...'` lines (the broker's
  // storage credentials), evaluated in memory, never written to disk. Empty: none.
  std::string credentials_url;
  // rclone remotes used without credentials from the broker (instance identity): each key
  // (e.g. S3_ENV_AUTH, value "true") is exported as RCLONE_CONFIG_<key>; values are not
  // secret (they are in the script). A key that is not a shell name is skipped.
  std::map<std::string, std::string> identity_remotes;
  // Tries of each upload (outputs, a checkpoint) and of the credentials GET, within 1..20, and
  // the first wait between two, within 0.01..60 s (NaN: 2), doubled per retry up to 60 s.
  // Defaults: 3 tries, 2 s.
  int upload_attempts = 3;
  double upload_backoff_seconds = 2;
};

// Runs `setup` and `command` in a container (rendered by RenderContainerRun in
// container_run.h, tested per provider). Empty image: on the instance itself, as where the
// provider runs the image itself (ProviderRunsImage).
struct ScriptContainer {
  std::string image;
  bool gpus = false;  // pass the instance's GPUs (only when the offer has any)
};

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
  // Shell run once with `bash -c` before `command` (same environment); non-zero fails the attempt.
  std::string setup;
  ScriptData data;
  ScriptContainer container;
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

// True when `name` is a shell identifier ([A-Za-z_][A-Za-z0-9_]*). Thread-safe.
bool IsShellName(const std::string& name);

// `value` as one single-quoted bash word (a `'` inside becomes `'\''`). Thread-safe.
std::string ShellQuote(const std::string& value);

}  // namespace sky::broker
