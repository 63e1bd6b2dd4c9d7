// Over 400 lines because it is the bash text of the script: three raw strings, read top to bottom.
#include "broker/executor/startup_script_body.h"

namespace sky::broker::script_body {

// Kept to POSIX tools and bash 3.2 (macOS, Amazon Linux 2) and tested with mawk, the most
// limited awk on common images. No here-documents or here-strings: bash before 5.1 backs them
// with temporary files, and credentials must never touch the disk.
const std::string_view kHelpers = R"SKY(
sky_dir=$(mktemp -d) || { echo "skybroker: mktemp -d failed" >&2; exit 1; }
sky_log="$sky_dir/log"
sky_signals="$sky_dir/signals"
sky_progress="$sky_signals/progress"
sky_checkpoint="$sky_signals/checkpoint"
sky_auth="$sky_dir/auth"
sky_body="$sky_dir/body"
sky_pending="$sky_dir/pending"
sky_bg_file="$sky_dir/background"
sky_out="$sky_pending"
trap 'rm -f "$sky_auth"' EXIT
# printf is a builtin: the token never appears on a command line.
printf 'Authorization: Bearer %s\n' "$sky_token" >"$sky_auth" || exit 1
unset sky_token
mkdir "$sky_signals" || exit 1
: >>"$sky_log"
: >"$sky_pending"

# Prints the first word of file $1 when it is a decimal number within 0..1.
sky_fraction() {
  [ -f "$1" ] || return 1
  head -c 64 "$1" 2>/dev/null | LC_ALL=C awk '
    NR == 1 { if ($1 ~ /^([0-9]+|[0-9]*\.[0-9]+)([eE][-+]?[0-9]+)?$/) {
                v = $1 + 0; if (v >= 0 && v <= 1) { printf "%.6g", v; ok = 1 } }
              exit }
    END { exit !ok }'
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

# stdin as the contents of a JSON string, lines joined by \n. Of a line rewritten with carriage
# returns (progress bars) only the last rewrite is kept.
sky_json_escape() {
  LC_ALL=C awk '
    BEGIN { for (i = 1; i < 32; i++) esc[sprintf("%c", i)] = sprintf("\\u%04x", i)
            esc["\b"] = "\\b"; esc["\f"] = "\\f"; esc["\t"] = "\\t"; esc["\r"] = "\\r"
            esc["\""] = "\\\""; esc["\\"] = "\\\\" }
    { sub(/\r+$/, ""); n = split($0, parts, "\r"); s = (n > 0 ? parts[n] : ""); out = ""
      while (match(s, /[\001-\037"\\]/)) {
        out = out substr(s, 1, RSTART - 1) esc[substr(s, RSTART, 1)]
        s = substr(s, RSTART + 1) }
      printf "%s%s%s", (NR > 1 ? "\\n" : ""), out, s }'
}

# $1 as a JSON string.
sky_json_str() {
  printf '"%s"' "$(printf '%s\n' "$1" | tr -d '\000' | sky_valid_utf8 | sky_json_escape)"
}

# The log's last lines as the contents of a JSON string.
sky_log_tail() {
  tail -n "$sky_tail_lines" "$sky_log" 2>/dev/null | tail -c 16384 | tr -d '\000' |
    sky_valid_utf8 | sky_json_escape
}

# The fields waiting in $sky_pending (lines "T <transfer>", "N <note>", "F <field>",
# "E <data error>", JSON values), as members of a JSON object.
sky_pending_fields() {
  LC_ALL=C awk '
    { k = substr($0, 1, 1); v = substr($0, 3) }
    k == "T" { t = t (t == "" ? "" : ",") v }
    k == "N" { n = n (n == "" ? "" : ",") v }
    k == "F" { f = f (f == "" ? "" : ",") v }
    k == "E" && e == "" { e = v }
    END { s = f
          if (t != "") s = s (s == "" ? "" : ",") "\"transfers\":[" t "]"
          if (n != "") s = s (s == "" ? "" : ",") "\"notes\":[" n "]"
          if (e != "") s = s (s == "" ? "" : ",") "\"data_error\":" e
          printf "%s", s }' "$sky_pending"
}

# Writes the JSON body: progress, the checkpoint, the pending fields, then the fields in $1.
# With the data plane, the checkpoint is the last one uploaded; without it, the file's value.
sky_write_body() {
  local fields='' v
  if v=$(sky_fraction "$sky_progress"); then fields="\"progress\":$v"; fi
  if [ -z "$sky_data" ]; then
    if v=$(sky_fraction "$sky_checkpoint"); then fields="${fields:+$fields,}\"checkpoint\":$v"; fi
  elif [ "$sky_cp_sent_seq" -gt 0 ]; then
    v="\"checkpoint\":$sky_cp_sent,\"checkpoint_seq\":$sky_cp_sent_seq"
    fields="${fields:+$fields,}$v,\"checkpoint_uri\":$sky_cp_sent_uri"
  fi
  v=$(sky_pending_fields)
  if [ -n "$v" ]; then fields="${fields:+$fields,}$v"; fi
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

# A heartbeat; the pending fields are dropped once the broker has them.
sky_heartbeat() {
  sky_write_body '' && sky_post >/dev/null && : >"$sky_pending"
}

# Waits for process $1, heartbeating every interval and running command $2 (if any) at every
# tick; returns $1's exit status.
sky_ticks=0
sky_watch() {
  while kill -0 "$1" 2>/dev/null; do
    sleep "$sky_tick"
    if [ -n "${2:-}" ]; then "$2"; fi
    sky_ticks=$((sky_ticks + 1))
    if [ "$sky_ticks" -ge "$sky_ticks_per_beat" ] && kill -0 "$1" 2>/dev/null; then
      sky_ticks=0
      sky_heartbeat
    fi
  done
  wait "$1"
}

# Runs "$@" in the background with its pending lines going to $sky_bg_file (merged into
# $sky_pending by sky_bg_merge once it ended, so the two never race); its pid in sky_bg_pid.
sky_bg() {
  : >"$sky_bg_file"
  (sky_out=$sky_bg_file; "$@") &
  sky_bg_pid=$!
}
sky_error=''
sky_bg_merge() {
  if grep -q '^E ' "$sky_bg_file"; then sky_error=1; fi
  cat "$sky_bg_file" >>"$sky_pending"
  : >"$sky_bg_file"
}
)SKY";

const std::string_view kData = R"SKY(
# rclone reads no config file (an empty --config keeps it in memory, without the "not found"
# notice): its remotes come only from RCLONE_CONFIG_* variables. --fast-list lists a prefix in
# one recursive request (fewer requests; and some S3 servers' per-folder listings drop nested
# prefixes). AWS_CA_BUNDLE is left out: rclone 1.60 fails every S3 call while it is set (a
# custom CA goes in RCLONE_CA_CERT).
sky_rclone() {
  env -u AWS_CA_BUNDLE rclone --config '' --fast-list "$@"
}

sky_now() {
  if [ -n "${EPOCHREALTIME:-}" ]; then printf '%s\n' "$EPOCHREALTIME" | tr , .; else date +%s; fi
}

# Seconds since time $1, as "S.mmm".
sky_since() {
  LC_ALL=C awk -v a="$1" -v b="$(sky_now)" 'BEGIN { d = b - a; printf "%.3f", (d > 0 ? d : 0) }'
}

# "<files> <bytes>" under local directory $1.
sky_size() {
  local s
  s=$(sky_rclone size --json "$1" 2>/dev/null |
    sed -n 's/.*"count":\([0-9]*\).*"bytes":\([0-9]*\).*/\1 \2/p')
  echo "${s:-0 0}"
}

# The last non-empty line of file $1 without rclone's date and level prefix.
sky_last_error() {
  local line
  line=$(sed -e '/^[[:space:]]*$/d' "$1" 2>/dev/null | tail -n 1 |
    sed -e 's/^[0-9]*\/[0-9]*\/[0-9]* [0-9:.]* //' -e 's/^[A-Z][A-Z]* *: //' | cut -c 1-500)
  echo "${line:-unknown error}"
}

sky_note() {
  printf 'N %s\n' "$(sky_json_str "$1")" >>"$sky_out"
  echo "skybroker: $1" >&2
}
sky_fail() {
  sky_error=1
  printf 'E %s\n' "$(sky_json_str "$1")" >>"$sky_out"
  echo "skybroker: $1" >&2
}

# Records transfer kind $1, name $2, remote uri $3, started at $4 (now ended), of local
# directory $5.
sky_record() {
  local size seconds
  seconds=$(sky_since "$4")
  size=$(sky_size "$5")
  printf 'T {"kind":"%s","name":%s,"uri":%s,"bytes":%s,"seconds":%s}\n' "$1" \
    "$(sky_json_str "$2")" "$(sky_json_str "$3")" "${size#* }" "$seconds" >>"$sky_out"
  if [ "$1" = "$2" ]; then set -- "$1"; else set -- "$1 $2"; fi
  echo "skybroker: $1: ${size#* } bytes in $seconds s" >&2
}

# GETs the broker's storage credentials (`export RCLONE_CONFIG_...` lines) into memory and
# evaluates them; retried like an upload.
sky_fetch_credentials() {
  local wait creds
  [ -n "$sky_creds_url" ] || return 0
  for wait in $sky_upload_waits ''; do
    if creds=$(curl -fsS --connect-timeout 5 --max-time 30 -H @"$sky_auth" "$sky_creds_url" \
      2>"$sky_dir/error") && eval "$creds"; then
      return 0
    fi
    if [ -n "$wait" ]; then sleep "$wait"; fi
  done
  sky_fail "credentials from $sky_creds_url could not be fetched: $(sky_last_error "$sky_dir/error")"
}

# Copies rclone path $1 into local directory $2 (a source naming one object lands as
# $2/<its name>). A copy that brought nothing must have a source that exists.
sky_copy_in() {
  mkdir -p "$2" && sky_rclone copy "$1" "$2" 2>"$sky_out.error" || return 1
  if [ -z "$(find "$2" ! -type d | head -n 1)" ]; then
    sky_rclone lsjson --stat "$1" >/dev/null 2>"$sky_out.error"
  fi
}

# Input $1 (uri $2, rclone path $3) into $sky_inputs_dir/$1.
sky_input() {
  local start
  start=$(sky_now)
  case $1 in
    '' | . | .. | */*) sky_fail "input '$1' ($2): not a usable directory name"; return 1 ;;
  esac
  if ! sky_copy_in "$3" "$sky_inputs_dir/$1"; then
    sky_fail "input '$1' ($2): $(sky_last_error "$sky_out.error")"
    return 1
  fi
  sky_record input "$1" "$2" "$start" "$sky_inputs_dir/$1"
}

# A failed restore empties the checkpoint directory: the command starts from zero.
sky_restore() {
  local start reason
  [ -n "$sky_restore_path" ] || return 0
  start=$(sky_now)
  if sky_copy_in "$sky_restore_path" "$sky_checkpoint_dir"; then
    sky_record restore checkpoint "$sky_restore_uri" "$start" "$sky_checkpoint_dir"
    return 0
  fi
  reason=$(sky_last_error "$sky_out.error")
  rm -rf "$sky_checkpoint_dir" && mkdir "$sky_checkpoint_dir"
  printf 'F "restore_failed":true\n' >>"$sky_out"
  sky_note "checkpoint restore from $sky_restore_uri failed: $reason; starting from zero"
}

sky_stage_in() {
  sky_inputs && sky_restore
}

# Copies local directory $1 to rclone path $2: one try per entry of $sky_upload_waits plus one,
# waiting that long after each failure.
sky_upload() {
  local wait
  for wait in $sky_upload_waits ''; do
    sky_rclone mkdir "$2" 2>/dev/null  # so that an empty directory still exists remotely
    if sky_rclone copy --retries 1 "$1" "$2" 2>"$sky_out.error"; then return 0; fi
    if [ -n "$wait" ]; then sleep "$wait"; fi
  done
  return 1
}

sky_upload_output() {
  local start
  start=$(sky_now)
  if sky_upload "$sky_output_dir" "$sky_output_path"; then
    sky_record output output "$sky_output_uri" "$start" "$sky_output_dir"
    printf 'F "outputs_uri":%s\n' "$(sky_json_str "$sky_output_uri")" >>"$sky_out"
    return 0
  fi
  sky_fail "upload of outputs to $sky_output_uri failed after $sky_upload_tries tries: \
$(sky_last_error "$sky_out.error")"
}

# Uploads the snapshot as checkpoint $1; a failure leaves the previous checkpoint in force.
sky_upload_checkpoint() {
  local start
  start=$(sky_now)
  if sky_upload "$sky_snapshot" "$sky_checkpoints_path/$1"; then
    sky_record checkpoint "$1" "$sky_checkpoints_uri/$1" "$start" "$sky_snapshot"
    return 0
  fi
  sky_note "checkpoint $1 upload to $sky_checkpoints_uri/$1 failed after $sky_upload_tries \
tries: $(sky_last_error "$sky_out.error"); the previous checkpoint stays in force"
  return 1
}

# Every tick while the command runs: once the last upload ended, snapshots the checkpoint
# directory when the checkpoint file's value changed and uploads it in the background.
sky_cp_pid=''
sky_cp_taken=''
sky_cp_seq=0
sky_cp_sent=''
sky_cp_sent_seq=0
sky_cp_sent_uri=''
sky_checkpoint_tick() {
  local v
  if [ -n "$sky_cp_pid" ]; then
    if kill -0 "$sky_cp_pid" 2>/dev/null; then return 0; fi
    wait "$sky_cp_pid"
    sky_checkpoint_done $?
  fi
  v=$(sky_fraction "$sky_checkpoint") || return 0
  [ "$v" != "$sky_cp_taken" ] || return 0
  sky_cp_taken=$v
  sky_cp_seq=$((sky_cp_seq + 1))
  if ! { rm -rf "$sky_snapshot" && mkdir "$sky_snapshot" &&
    cp -Rp "$sky_checkpoint_dir/." "$sky_snapshot/"; }; then
    sky_note "checkpoint $sky_cp_seq: could not snapshot the checkpoint directory"
    return 0
  fi
  sky_bg sky_upload_checkpoint "$sky_cp_seq"
  sky_cp_pid=$sky_bg_pid
}

# The upload started by sky_checkpoint_tick ended with status $1.
sky_checkpoint_done() {
  if [ "$1" -eq 0 ]; then
    sky_cp_sent=$sky_cp_taken
    sky_cp_sent_seq=$sky_cp_seq
    sky_cp_sent_uri=$(sky_json_str "$sky_checkpoints_uri/$sky_cp_seq")
  fi
  sky_bg_merge
  sky_cp_pid=''
}

# Waits for a checkpoint upload in flight (heartbeating meanwhile).
sky_checkpoint_drain() {
  if [ -n "$sky_cp_pid" ]; then
    sky_watch "$sky_cp_pid"
    sky_checkpoint_done $?
  fi
}
)SKY";

const std::string_view kMain = R"SKY(
# Stage in: credentials, inputs and the checkpoint to resume from, heartbeating meanwhile.
sky_hook=''
sky_resume_zero=''
if [ -n "$sky_data" ]; then
  sky_inputs_dir="$sky_dir/inputs"
  sky_output_dir="$sky_dir/output"
  sky_checkpoint_dir="$sky_dir/checkpoint"
  sky_snapshot="$sky_dir/snapshot"
  mkdir "$sky_inputs_dir" "$sky_output_dir" "$sky_checkpoint_dir" || exit 1
  if [ -n "$sky_checkpoints_path" ]; then sky_hook=sky_checkpoint_tick; fi
  sky_identity
  sky_fetch_credentials
  if [ -z "$sky_error" ]; then
    sky_bg sky_stage_in
    sky_watch "$sky_bg_pid"
    if grep -q '^F "restore_failed"' "$sky_bg_file"; then sky_resume_zero=1; fi
    sky_bg_merge
    # The broker hears of the transfers (and a failed restore) before the command starts.
    if [ -z "$sky_error" ] && [ -s "$sky_pending" ]; then sky_ticks=0; sky_heartbeat; fi
  fi
fi
if [ -z "$sky_error" ] && [ -n "$sky_image" ]; then
  sky_rt=$(sky_container_runtime) ||
    sky_fail "image $sky_image needs docker or podman on the instance"
fi

# The user's setup and command see the environment below and no RCLONE_* variable.
sky_run() {
  sky_env
  export SKY_PROGRESS_FILE="$sky_progress" SKY_CHECKPOINT_FILE="$sky_checkpoint"
  if [ -n "$sky_data" ]; then
    export SKY_INPUTS="$sky_inputs_dir" SKY_OUTPUT_DIR="$sky_output_dir" \
      SKY_CHECKPOINT_DIR="$sky_checkpoint_dir"
  fi
  if [ -n "$sky_resume_zero" ]; then export SKY_RESUME_FROM=0; fi
  unset ${!RCLONE_@}
  if [ -n "$sky_image" ]; then sky_container_run "$sky_rt"; fi
  if [ -n "$sky_setup" ]; then bash -c "$sky_setup" || exit $?; fi
  exec bash -c "$sky_command"
}

if [ -n "$sky_error" ]; then
  sky_code=1
else
  sky_run </dev/null >>"$sky_log" 2>&1 &
  sky_watch $! "$sky_hook"
  sky_code=$?
  if [ -n "$sky_hook" ]; then
    sky_checkpoint_drain
    # A command that failed may have saved a checkpoint just before: keep it for the resume.
    if [ "$sky_code" -ne 0 ]; then sky_checkpoint_tick; sky_checkpoint_drain; fi
  fi
  if [ "$sky_code" -eq 0 ] && [ -n "$sky_data" ]; then
    sky_bg sky_upload_output
    sky_watch "$sky_bg_pid"
    sky_bg_merge
    if [ -n "$sky_error" ]; then sky_code=1; fi
  fi
fi

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

}  // namespace sky::broker::script_body
