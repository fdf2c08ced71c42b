# Sourced by run.sh and test.sh; defines ensure_venv. It reads no arguments of its own:
# `source` hands the caller's arguments (a newswatch command) to the sourced file.

# ensure_venv [EXTRA]: create ./.venv and install newswatch (with EXTRA, e.g. test) when
# it is missing or pyproject.toml / constraints.txt changed since that install.
ensure_venv() {
  local extra="${1:-}"
  local stamp=".venv/.installed${extra:+-$extra}"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    # A current pip matters: pip 23 drops the lxml extra trafilatura needs (see stack notes).
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extra:+[$extra]}" -c constraints.txt
    touch "$stamp"
  fi
}
