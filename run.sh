#!/usr/bin/env bash
# Installs what is missing, builds, and serves skybroker on http://127.0.0.1:8080 with the
# embedded default: a SQLite file, the bundled real catalog (data/catalog), the sim provider and
# the local provider (stage commands run as you on this machine; admins only may submit to it;
# serve says so at start, on stderr). $SKYBROKER_PROVIDERS replaces "sim,local". Extra
# arguments go to `skybroker serve` (e.g. ./run.sh --port 9090, or --providers sim).
set -euo pipefail
cd "$(dirname "$0")"
source cmake/install_deps.sh
install_deps run
build_skybroker build -DCMAKE_BUILD_TYPE=RelWithDebInfo
db_dir="${SKYBROKER_DB:-$HOME/.local/share/skybroker/skybroker.db}"
echo "dashboard: http://127.0.0.1:8080/   API token (dashboard, curl): $(dirname "$db_dir")/admin-token"
# --public-catalog: offers can be browsed without a token; everything else needs one.
exec build/api/skybroker serve --host 127.0.0.1 --port 8080 --public-catalog \
  --providers "${SKYBROKER_PROVIDERS:-sim,local}" "$@"
