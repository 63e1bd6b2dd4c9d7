#!/usr/bin/env bash
# Load benchmark of the REST API with wrk (issue #6): `skybroker serve` on the full shared
# catalog (every SkyPilot-format catalog plus AWS's spot price history, ingested once into a
# temporary database), auth on with --public-catalog, no access log; then
#   GET /v1/offers?gpu=A100:8&limit=20   wrk -t2 -c64  (target: >= 10,000 req/s, p99 < 20 ms)
#   POST /v1/plans (quickstart spec)     wrk -t2 -c8   (target: p50 < 200 ms)
# and prints requests/s, p50 and p99 of each, the load average, and the command lines.
# Builds nothing and installs nothing. Use a Release build on a quiet machine:
#   cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C build-rel skybroker
#   tests/bench/api_load_bench.sh build-rel
# Usage: tests/bench/api_load_bench.sh [BUILD_DIR]  (default: build)
# Environment: DURATION (wrk -d, default 30s), OFFERS_CONNECTIONS (default 64),
#   PLAN_CONNECTIONS (default 8), THREADS (wrk -t, default 2).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
bin="$build/api/skybroker"
shared="$root/../shared/data"
duration="${DURATION:-30s}"
threads="${THREADS:-2}"
offers_connections="${OFFERS_CONNECTIONS:-64}"
plan_connections="${PLAN_CONNECTIONS:-8}"

command -v wrk >/dev/null || {
  echo "wrk not found: install the Debian package (sudo apt-get install wrk), or run" \
    "./test.sh, which installs SKY_TEST_PACKAGES from cmake/install_deps.sh" >&2
  exit 1
}
command -v curl >/dev/null || { echo "curl not found (apt-get install curl)" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "missing $bin: build the skybroker target first" >&2; exit 1; }
[[ -d "$shared/catalog" ]] || { echo "missing the shared catalog $shared/catalog" >&2; exit 1; }

work="$(mktemp -d)"
serve_pid=""
cleanup() {
  if [[ -n "$serve_pid" ]]; then
    kill "$serve_pid" 2>/dev/null || true
    # A server that does not stop within 10 s (it should) is killed.
    for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/bench.db"
echo "ingesting the shared catalog into $db ..."
"$bin" ingest --db "$db" "$shared/catalog" \
  "$shared/spot_traces/aws_spot_price_history/prices_2022-05.tsv" >"$work/ingest.log" 2>&1 ||
  { cat "$work/ingest.log" >&2; exit 1; }
token="$("$bin" token create --db "$db" --tenant bench --role user 2>/dev/null)"

"$bin" serve --port 0 --db "$db" --public-catalog --access-log off --providers sim \
  >"$work/serve.log" 2>"$work/serve.err" &
serve_pid=$!
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.log")"
  [[ -n "$port" ]] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
base="http://127.0.0.1:$port"
head -1 "$work/serve.log"

offers_url="$base/v1/offers?gpu=A100:8&limit=20"
spec="$root/data/examples/quickstart.json"
# Warm-up, and a check that both requests succeed before measuring them.
offers_code="$(curl -s -o /dev/null -w '%{http_code}' "$offers_url")"
plan_code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
  --data-binary "@$spec" "$base/v1/plans")"
if [[ "$offers_code" != 200 || "$plan_code" != 200 ]]; then
  echo "warm-up: offers HTTP $offers_code, plans HTTP $plan_code" >&2
  exit 1
fi

# Prints "req/s p50 p99" (latencies in ms) of a wrk --latency report on stdin.
summarize() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { printf "%s %.2f %.2f %d\n", rps, p50, p99, bad }'
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

offers_cmd=(wrk "-t$threads" "-c$offers_connections" "-d$duration" --latency "$offers_url")
plan_cmd=(wrk "-t$threads" "-c$plan_connections" "-d$duration" --latency
  -s "$root/tests/bench/post_plan.lua" "$base/v1/plans")

echo "load average before: $(load)"
echo "\$ ${offers_cmd[*]}"
"${offers_cmd[@]}" | tee "$work/offers.txt"
offers_load="$(load)"
echo "\$ SKY_PLAN_BODY=$spec SKY_TOKEN=<user token> ${plan_cmd[*]}"
SKY_PLAN_BODY="$spec" SKY_TOKEN="$token" "${plan_cmd[@]}" | tee "$work/plan.txt"
plan_load="$(load)"

read -r offers_rps offers_p50 offers_p99 offers_bad < <(summarize <"$work/offers.txt")
read -r plan_rps plan_p50 plan_p99 plan_bad < <(summarize <"$work/plan.txt")
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "MISSED") }'; }

echo
printf '%-34s %10s %9s %9s  %-16s %s\n' endpoint "req/s" "p50 ms" "p99 ms" "load avg" target
printf '%-34s %10s %9s %9s  %-16s %s (%s)\n' "GET /v1/offers?gpu=A100:8&limit=20" \
  "$offers_rps" "$offers_p50" "$offers_p99" "$offers_load" \
  ">=10000 req/s, p99<20 ms" \
  "$(verdict "$(awk -v r="$offers_rps" -v p="$offers_p99" 'BEGIN{print (r >= 10000 && p < 20)}')")"
printf '%-34s %10s %9s %9s  %-16s %s (%s)\n' "POST /v1/plans (quickstart)" \
  "$plan_rps" "$plan_p50" "$plan_p99" "$plan_load" "p50<200 ms" \
  "$(verdict "$(awk -v p="$plan_p50" 'BEGIN{print (p < 200)}')")"
if [[ "$offers_bad" != 0 || "$plan_bad" != 0 ]]; then
  echo "non-2xx responses: offers $offers_bad, plans $plan_bad" >&2
  exit 1
fi
