#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest: unit, integration, and the
# API and browser tests as they land). Live-cloud tests are never run here.
set -euo pipefail
cd "$(dirname "$0")"
source cmake/install_deps.sh
install_deps test
install_node_deps
build_skybroker build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSKY_WERROR=ON -DSKY_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure -j"$(nproc)" -LE live --timeout 600
