#!/usr/bin/env bash
# Exports the 10-stage planner benchmark's MILP as free MPS and solves it with both GLPK (inside
# planner_bench) and CBC (Debian coinor-cbc), printing times and objectives side by side.
# Usage: tests/bench/planner_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
bench="$build/tests/bench/planner_bench"
[[ -x "$bench" ]] || { echo "missing $bench: build the planner_bench target" >&2; exit 1; }
command -v cbc >/dev/null || { echo "cbc not found (apt-get install coinor-cbc)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mps="$work/plan10.mps"

SKY_PLANNER_BENCH_MPS="$mps" "$bench" --benchmark_filter=BM_Plan10StageDag \
  --benchmark_format=console >"$work/glpk.txt" 2>&1
glpk_line="$(grep '^glpk_objective_usd' "$work/glpk.txt" | tail -1)"
glpk_obj="$(awk '{print $2}' <<<"$glpk_line")"
glpk_time="$(awk '{print $4}' <<<"$glpk_line")"
read -r rows cols < <(awk '/^\* Rows:/{r=$3} /^\* Columns:/{c=$3} END{print r, c}' "$mps")

start=$(date +%s.%N)
cbc "$mps" solve >"$work/cbc.txt" 2>&1
end=$(date +%s.%N)
cbc_obj="$(awk '/^Objective value:/{print $3}' "$work/cbc.txt" | tail -1)"
cbc_status="$(awk '/^Result - /{sub(/^Result - /, ""); print; exit}' "$work/cbc.txt")"
cbc_time="$(awk -v s="$start" -v e="$end" 'BEGIN{printf "%.3f", e - s}')"

echo "10-stage DAG over every shared catalog offer: MILP $rows rows x $cols columns"
printf '%-6s %12s %16s  %s\n' solver seconds objective_usd status
printf '%-6s %12s %16s  %s\n' glpk "$glpk_time" "$glpk_obj" "$(awk '{print $6}' <<<"$glpk_line")"
printf '%-6s %12s %16s  %s\n' cbc "$cbc_time" "$cbc_obj" "$cbc_status"
awk -v a="$glpk_obj" -v b="$cbc_obj" 'BEGIN{
  d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b); if (m < 1) m = 1;
  if (d / m > 1e-6) { print "objectives differ"; exit 1 } else print "objectives agree (1e-6)" }'
