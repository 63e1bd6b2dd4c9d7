#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz for a bounded time each and prints a summary.
#   tests/fuzz/run_fuzz.sh [-j N] [SECONDS] [TARGET...]
# SECONDS defaults to 600; TARGET defaults to every target (names as in tests/fuzz/CMakeLists.txt:
# pipeline_spec, catalog_csv, ...). -j N runs N targets at once (default 1).
#
# Configures build-fuzz/ with clang (-DSKY_FUZZ=ON, RelWithDebInfo, no GoogleTest), builds the
# targets, and runs each on a work corpus in build-fuzz/fuzz-work/<target>/corpus, seeded from
# tests/fuzz/corpus/<target>, tests/fuzz/regressions/<target> and larger files from ../shared
# (kept across runs, so a second run continues where the first stopped). Inputs are read from
# memory only: no network. A crash, leak, timeout or OOM input is copied to
# tests/fuzz/regressions/<target>/ (replayed by the ctest fuzz_replay_<target> afterwards) and
# makes the script exit 1. Fuzzers run under `nice -n ${SKY_FUZZ_NICE:-5}`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$(cd "$ROOT/.." && pwd)/shared
BUILD=${SKY_FUZZ_BUILD:-$ROOT/build-fuzz}
WORK=$BUILD/fuzz-work
ALL_TARGETS=(pipeline_spec catalog_csv aws_spot_tsv aws_vantage ec2_xml gcp_json lambda_json
  runpod_json spot_trace offers_query)
# Largest input tried. Larger seeds are cut to it (at a line end): whole catalogs and vendor
# specs as seeds made every run of the target slow for little extra coverage.
MAX_LEN=${SKY_FUZZ_MAX_LEN:-16384}

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

JOBS=1
while getopts "j:h" opt; do
  case $opt in
    j) JOBS=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
SECONDS_EACH=600
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then SECONDS_EACH=$1; shift; fi
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "unknown target: $t" >&2; usage; }
done

# The larger seeds of a target from ../shared: files, or directories searched for a pattern.
shared_seeds() {
  case $1 in
    pipeline_spec) ls "$ROOT"/tests/planner_cases/*.json ;;
    catalog_csv) find "$SHARED/data/catalog" "$ROOT/data/catalog" -name vms.csv ;;
    aws_spot_tsv) find "$SHARED/data/spot_traces/aws_spot_price_history" -name '*.tsv' ;;
    aws_vantage) find "$SHARED/data/catalog/aws_gpu_vantage" -type f ;;
    ec2_xml) find "$SHARED/specs/recorded/libcloud-ec2" "$SHARED/specs/aws-ec2" -name '*.xml' ;;
    gcp_json) find "$SHARED/specs/recorded/libcloud-gce" -name '*.json' ;;
    lambda_json) find "$SHARED/specs/lambda-cloud" -name '*.json' ;;
    runpod_json) find "$SHARED/specs/runpod" -name '*.json' ;;
    spot_trace) find "$SHARED/data/spot_traces/cant_be_late_nsdi24" -name '*.json' | sort | head -40 ;;
    offers_query) ;;
  esac
}

configure_and_build() {
  command -v clang++ >/dev/null || { echo "clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSKY_FUZZ=ON -DSKY_BUILD_TESTS=OFF >/dev/null
  local names=()
  for t in "${TARGETS[@]}"; do names+=("${t}_fuzz"); done
  ninja -C "$BUILD" -j"${SKY_FUZZ_BUILD_JOBS:-2}" "${names[@]}"
}

# Copies the seeds of target $1 into its work corpus (trimmed to MAX_LEN; existing files kept).
seed_corpus() {
  local t=$1 dir=$WORK/$1/corpus
  mkdir -p "$dir" "$WORK/$t/artifacts"
  local f
  for f in "$ROOT/tests/fuzz/corpus/$t"/* "$ROOT/tests/fuzz/regressions/$t"/*; do
    [[ -f $f && $(basename "$f") != README.md ]] && cp -n "$f" "$dir/seed-$(basename "$f")"
  done
  while IFS= read -r f; do
    [[ -n $f ]] || continue
    local out
    out="$dir/shared-$(echo "$f" | md5sum | cut -c1-12)"
    if (($(stat -c %s "$f") <= MAX_LEN)); then
      cp "$f" "$out"
    else
      head -c "$MAX_LEN" "$f" | sed '$d' >"$out"  # drop the cut last line
    fi
  done < <(shared_seeds "$t")
}

# Runs target $1 for SECONDS_EACH seconds; the log goes to $WORK/$1/fuzz.log.
run_target() {
  local t=$1 dir=$WORK/$1
  rm -f "$dir"/artifacts/*
  local start=$SECONDS
  (cd "$dir" && nice -n "${SKY_FUZZ_NICE:-5}" "$BUILD/tests/fuzz/${t}_fuzz" corpus \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len="$MAX_LEN" \
    -print_final_stats=1 -artifact_prefix=artifacts/ >fuzz.log 2>&1) || true
  echo $((SECONDS - start)) >"$dir/elapsed"  # shorter than asked when a crash stopped it
}

# One summary row of target $1 from its log and work corpus; copies crashes to regressions/.
summarize() {
  local t=$1 dir=$WORK/$1 log=$WORK/$1/fuzz.log
  local execs rate files bytes cov crashes=0 f elapsed
  elapsed=$(cat "$dir/elapsed")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  files=$(find "$dir/corpus" -type f | wc -l)
  bytes=$(du -sb "$dir/corpus" | cut -f1)
  for f in "$dir"/artifacts/*; do
    [[ -f $f ]] || continue
    crashes=$((crashes + 1))
    mkdir -p "$ROOT/tests/fuzz/regressions/$t"
    cp "$f" "$ROOT/tests/fuzz/regressions/$t/"
    echo "CRASH in $t: $f copied to tests/fuzz/regressions/$t/$(basename "$f") (log: $log)" >&2
  done
  printf '%-14s %8s %12s %8s %8s %10s %6s %8s\n' "$t" "$elapsed" "${execs:-?}" \
    "${rate:-?}" "$files" "$bytes" "${cov:-?}" "$crashes"
  return $((crashes > 0))
}

configure_and_build
for t in "${TARGETS[@]}"; do seed_corpus "$t"; done
running=0
for t in "${TARGETS[@]}"; do
  if ((running >= JOBS)); then wait -n || true; running=$((running - 1)); fi
  echo "fuzzing $t for ${SECONDS_EACH}s (log: $WORK/$t/fuzz.log)"
  run_target "$t" &
  running=$((running + 1))
done
wait

status=0
printf '\n%-14s %8s %12s %8s %8s %10s %6s %8s\n' target seconds execs exec/s files bytes cov crashes
for t in "${TARGETS[@]}"; do summarize "$t" || status=1; done
exit $status
