#!/bin/sh
# Installs sky_types + sky_planner (SKY_BUILD_SERVER=OFF) to a temporary prefix, builds
# planner/examples against the installed skyplanner package and runs it.
# Usage: install_test.sh REPO_ROOT [CMAKE] [GENERATOR]
set -eu
src=$1
cmake=${2:-cmake}
generator=${3:-Ninja}
work=$(mktemp -d "${TMPDIR:-/tmp}/sky_install_test.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$cmake" -S "$src" -B "$work/build" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DSKY_BUILD_SERVER=OFF -DSKY_BUILD_TESTS=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/build" -j2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$cmake" --install "$work/build" --prefix "$work/prefix" >/dev/null

"$cmake" -S "$src/planner/examples" -B "$work/example" -G "$generator" \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/example.log" 2>&1 ||
  { cat "$work/example.log"; exit 1; }
"$cmake" --build "$work/example" >>"$work/example.log" 2>&1 || { cat "$work/example.log"; exit 1; }

"$work/example/plan_example" >"$work/plan.json"
cat "$work/plan.json"
grep -q '"status"' "$work/plan.json"
echo "install test: ok"
