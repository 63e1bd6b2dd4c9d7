#!/usr/bin/env bash
# Installs the Debian packages skybroker needs, only those missing. Sourced by run.sh and
# test.sh: `install_deps run` or `install_deps test`.

# rclone moves a stage's data (inputs, checkpoints, outputs): run.sh needs it as much as the tests.
SKY_RUN_PACKAGES=(cmake g++ ninja-build pkg-config libcpprest-dev libcurl4-openssl-dev libssl-dev
  nlohmann-json3-dev libsqlite3-dev libglpk-dev libgtest-dev libgmock-dev libbenchmark-dev rclone)
SKY_TEST_PACKAGES=(coinor-cbc sqlite3 curl nodejs npm chromium wrk clang libclang-rt-14-dev
  clang-format clang-tidy)

install_deps() {
  local want=("${SKY_RUN_PACKAGES[@]}")
  [ "${1:-run}" = test ] && want+=("${SKY_TEST_PACKAGES[@]}")
  local missing=()
  for pkg in "${want[@]}"; do
    # A node from elsewhere (nodesource's nodejs bundles npm and conflicts with Debian's npm).
    case $pkg in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# install_node_deps: the node packages the tests run (tests/package.json, pinned by
# tests/package-lock.json: Prism, the SigV4 cross-check, playwright-core, and s3rver, the S3
# API server the data-plane tests run rclone against), installed with `npm ci` when
# tests/node_modules is missing or older than the lock file.
install_node_deps() {
  local lock=tests/package-lock.json stamp=tests/node_modules/.package-lock.json
  [ -f "$lock" ] || return 0
  [ -f "$stamp" ] && [ ! "$lock" -nt "$stamp" ] && return 0
  echo "installing node packages: npm ci --prefix tests"
  npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null
}

# build_skybroker BUILD_DIR [cmake args...]: configures (once) and builds with every core.
build_skybroker() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}
