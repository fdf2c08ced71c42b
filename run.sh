#!/usr/bin/env bash
# Set up newswatch in ./.venv (first time, or when pyproject.toml changed) and run it.
#   ./run.sh                                  the offline demo
#   ./run.sh run --config newswatch.toml      one monitoring cycle of real outlets
#   ./run.sh <any newswatch command>          e.g. serve, check, articles --json
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv
if [ "$#" -eq 0 ]; then set -- demo; fi
exec .venv/bin/newswatch "$@"
