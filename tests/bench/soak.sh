#!/usr/bin/env bash
# Load and fault soak (issue #9): `skybroker serve` on 127.0.0.1 (ephemeral port) with the sim
# cloud injecting faults -- 10% of API calls fail with a 5xx, 5% time out (a launch or
# terminate sometimes after acting), a throttling burst every 30 s of wall time, random spot
# preemptions -- and a fast clock, while
#   - PIPELINES pipelines (the data/examples specs in turn, spot allowed) are submitted over
#     REST during the 60 s warm-up (the first fifth of a shorter run), so that the whole load is
#     in flight when the RSS baseline is taken; every 20th is cancelled 5 s after submission;
#   - wrk reads GET /v1/offers?gpu=A100:8&limit=20, /v1/pipelines?limit=50 and
#     /v1/pipelines/{id} in turn for the whole run;
#   - the server's RSS (/proc/PID/status VmRSS) and pipelines by state are sampled every 10 s.
# At the end it waits (bounded) for the last pipelines and terminations, then asserts and
# prints: zero pipelines lost (submitted vs listed by the API), every pipeline terminal
# (succeeded | failed | cancelled) with every attempt ended and its cost recorded, zero sim
# instances left running and no attempt launched twice (from the sim's state file), server
# RSS at the end within 20% of its value after the 60 s warm-up, and wrk's read req/s, p50
# and p99 (no non-2xx answers, no socket errors), plus the provider errors the server
# counted. Exits 1 when an assertion fails, keeping the logs in the temp dir it names.
#
# Usage: tests/bench/soak.sh [BUILD_DIR] [MINUTES] [PIPELINES]   (default: build-rel 10 200)
#   e.g. nice -n 5 ninja -C build-rel -j2 skybroker && nice -n 5 tests/bench/soak.sh
# Environment: SOAK_CLOCK_SPEED (default: the longest example deadline, 48 h, fits in 40% of
#   the run: 720 for 10 min), SOAK_WRK_CONNECTIONS (4), SOAK_WRK_THREADS (1),
#   SOAK_EXECUTOR_THREADS (4), SOAK_SEED (1), SOAK_KEEP=1 keeps the temp dir after a pass.
# Bounded: every step has a time limit and a watchdog ends the whole run after
# MINUTES + grace + 3 min. Loopback only; builds and installs nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build-rel}"
[[ "$build" = /* ]] || build="$root/$build"
minutes="${2:-10}"
pipelines="${3:-200}"
[[ "$minutes" =~ ^[1-9][0-9]*$ && "$pipelines" =~ ^[1-9][0-9]*$ ]] ||
  { echo "usage: $0 [BUILD_DIR] [MINUTES >= 1] [PIPELINES >= 1]" >&2; exit 2; }
bin="$build/api/skybroker"
helper="$root/tests/bench/soak.py"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install $tool)" >&2; exit 2; }
done
[[ -x "$bin" ]] || { echo "missing $bin: build the skybroker target first" >&2; exit 2; }

run_seconds=$((minutes * 60))
speed="${SOAK_CLOCK_SPEED:-$((48 * 3600 * 10 / (4 * run_seconds)))}"
submit_window=$((run_seconds / 5 < 60 ? run_seconds / 5 : 60))  # all in flight by the end of warm-up
warmup=60
grace=$((run_seconds / 10 > 60 ? run_seconds / 10 : 60))
hard_limit=$((run_seconds + grace + 180))
seed="${SOAK_SEED:-1}"

work="$(mktemp -d /tmp/skybroker-soak.XXXXXX)"
serve_pid="" monitor_pid="" submit_pid="" wrk_pid="" watchdog_pid="" passed=0
stop_pid() {  # TERM, then KILL after 10 s
  [[ -n "$1" ]] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  touch "$work/stop"
  for pid in "$wrk_pid" "$submit_pid" "$monitor_pid" "$serve_pid" "$watchdog_pid"; do
    stop_pid "$pid"
  done
  if [[ "$passed" == 1 && "${SOAK_KEEP:-0}" != 1 ]]; then
    rm -rf "$work"
  else
    echo "logs kept in $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
( sleep "$hard_limit"; echo "soak: hard time limit of ${hard_limit}s reached" >&2
  kill -TERM $$ ) &
watchdog_pid=$!

db="$work/soak.db"
token="$("$bin" token create --db "$db" --tenant soak --role admin 2>"$work/token.err")" ||
  { cat "$work/token.err" >&2; exit 1; }
serve_cmd=("$bin" serve --host 127.0.0.1 --port 0 --db "$db" --access-log off
  --providers sim --sim-state "$work/sim-state.json" --sim-seed "$seed"
  --sim-error-rate 0.10 --sim-timeout-rate 0.05 --sim-timeout-seconds 0.1
  --sim-throttle-every $((30 * speed)) --sim-throttle-seconds $((2 * speed))
  --sim-preemption-rate 0.05
  --clock-speed "$speed" --poll-seconds "$speed"
  --executor-threads "${SOAK_EXECUTOR_THREADS:-4}")
echo "\$ ${serve_cmd[*]}" | sed "s|$work|\$TMP|g; s|$root/||g"
"${serve_cmd[@]}" >"$work/serve.log" 2>"$work/serve.err" &
serve_pid=$!
port=""
for _ in $(seq 1 1200); do  # the bundled catalog loads first: allow 2 min
  port="$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log")"
  [[ -n "$port" ]] && break
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    wait "$serve_pid" && code=0 || code=$?
    echo "serve exited with status $code while starting:" >&2
    cat "$work/serve.log" "$work/serve.err" >&2
    exit 1
  fi
  sleep 0.1
done
[[ -n "$port" ]] || { echo "serve did not start" >&2; tail "$work/serve.err" >&2; exit 1; }
base="http://127.0.0.1:$port"
head -1 "$work/serve.log"
echo "run ${minutes} min, ${pipelines} pipelines over the first ${submit_window}s, clock x${speed}" \
  "(poll every ${speed} clock s = 1 s), sim faults: 10% 5xx, 5% timeouts of 0.1 s," \
  "throttled 2 s of every 30 s, 0.05 spot preemptions per clock hour"
start=$SECONDS

python3 "$helper" monitor --base "$base" --token "$token" --pid "$serve_pid" \
  --out "$work/samples.jsonl" --interval 10 --stop "$work/stop" &
monitor_pid=$!
python3 "$helper" submit --base "$base" --token "$token" --count "$pipelines" \
  --window "$submit_window" --ids "$work/ids.txt" --examples "$root/data/examples" \
  --cancel-every 20 --cancel-after 5 >"$work/submit.json" 2>"$work/submit.err" &
submit_pid=$!

# wrk needs a pipeline id to read: wait for the first submissions (at most 60 s).
for _ in $(seq 1 600); do
  [[ -s "$work/ids.txt" ]] && break
  kill -0 "$submit_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -s "$work/ids.txt" ]] || { echo "no pipeline was accepted" >&2; cat "$work/submit.err" >&2; exit 1; }
wrk_seconds=$((run_seconds - (SECONDS - start)))
wrk_cmd=(wrk "-t${SOAK_WRK_THREADS:-1}" "-c${SOAK_WRK_CONNECTIONS:-4}" "-d${wrk_seconds}s"
  --latency --timeout 10s -s "$root/tests/bench/soak_reads.lua" "$base")
echo "\$ ${wrk_cmd[*]}" | sed "s|$root/||g"
SOAK_IDS="$work/ids.txt" SOAK_TOKEN="$token" timeout $((wrk_seconds + 60)) "${wrk_cmd[@]}" \
  >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
wait "$submit_pid" || echo "submit: some pipelines were rejected (see below)" >&2
submit_pid=""
echo "submitted: $(cat "$work/submit.json")"
[[ -s "$work/submit.err" ]] && head -5 "$work/submit.err"
wait "$wrk_pid" || true
wrk_pid=""
sed -n '/Thread Stats/,$p' "$work/wrk.txt"

set +e
timeout $((grace + 120)) python3 "$helper" check --base "$base" --token "$token" \
  --ids "$work/ids.txt" --sim-state "$work/sim-state.json" --samples "$work/samples.jsonl" \
  --wrk "$work/wrk.txt" --warmup "$warmup" --grace "$grace"
status=$?
set -e
echo "provider call errors counted by the server (skybroker_provider_call_errors_total):"
curl -s -H "Authorization: Bearer $token" "$base/metrics" |
  grep '^skybroker_provider_call_errors_total' | sed 's/^/  /' || echo "  none"
echo "executor: $(grep -c -i 'error' "$work/serve.err" || true) error lines in the server log"
grep -i 'error' "$work/serve.err" | head -5 | sed 's/^/  /' || true
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$status" == 0 ]] && passed=1
exit "$status"
