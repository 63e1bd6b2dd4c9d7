#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest: unit, integration, and the
# API and browser tests as they land). Live-cloud tests are never run here.
#   ./test.sh          RelWithDebInfo build in build/
#   ./test.sh --asan   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   ./test.sh --tsan   ThreadSanitizer build in build-tsan/
# After the build, tests/lint/ checks the C++ files this change touches against .clang-format
# and .clang-tidy (`tests/lint/format_check.sh --all`, `tests/lint/tidy_check.sh build --all`
# check the whole tree). The sanitizer options (tests/sanitizers/env.sh) are exported, so every
# process a test starts (`skybroker serve` children, node and its `skybroker`) runs under them too.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  echo "usage: ./test.sh [--asan | --tsan]" >&2
}

dir=build
flags=()
timeout=600
case "${1:-}" in
  "") ;;
  --asan)
    dir=build-asan flags=(-DSKY_SANITIZE=ON -DSKY_TSAN=OFF) timeout=900 ;;
  --tsan)
    dir=build-tsan flags=(-DSKY_TSAN=ON -DSKY_SANITIZE=OFF) timeout=900 ;;
  -h | --help)
    usage
    exit 0 ;;
  *)
    echo "test.sh: unknown option '$1'" >&2
    usage
    exit 2 ;;
esac
if [ $# -gt 1 ]; then
  echo "test.sh: takes at most one option" >&2
  usage
  exit 2
fi

source cmake/install_deps.sh
source tests/sanitizers/env.sh
install_deps test
install_node_deps
if [ "$dir" != build ]; then sky_sanitizer_env "${1#--}"; fi
build_skybroker "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKY_WERROR=ON -DSKY_BUILD_TESTS=ON \
  "${flags[@]}"
# Lint the C++ files this change touches (.clang-format, .clang-tidy); --all checks the tree.
tests/lint/format_check.sh --changed
tests/lint/tidy_check.sh "$dir" --changed
# Clang's thread-safety analysis (-Wthread-safety) over the library sources, from this build's
# compile_commands.json: no second build.
tests/thread_safety/check.sh "$dir"
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" -LE live --timeout "$timeout"
