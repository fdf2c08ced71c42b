#!/usr/bin/env bash
# Set up newswatch with its test tools in ./.venv and run the whole test suite (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv test
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=90
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
