#!/usr/bin/env bash
# Installs the Debian packages skybroker needs, only those missing. Sourced by run.sh and
# test.sh: `install_deps run` or `install_deps test`.

SKY_RUN_PACKAGES=(cmake g++ ninja-build pkg-config libcpprest-dev libcurl4-openssl-dev libssl-dev
  nlohmann-json3-dev libsqlite3-dev libglpk-dev libgtest-dev libgmock-dev libbenchmark-dev)
SKY_TEST_PACKAGES=(coinor-cbc sqlite3 curl)

install_deps() {
  local want=("${SKY_RUN_PACKAGES[@]}")
  [ "${1:-run}" = test ] && want+=("${SKY_TEST_PACKAGES[@]}")
  local missing=()
  for pkg in "${want[@]}"; do
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

# build_skybroker BUILD_DIR [cmake args...]: configures (once) and builds with every core.
build_skybroker() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}
