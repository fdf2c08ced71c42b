# Sourced by run.sh and test.sh: create ./.venv and install newswatch (with extras "$1") when needed.
extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  # A current pip matters: pip 23 drops the lxml extra trafilatura needs (see stack notes).
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}" -c constraints.txt
  touch "$stamp"
fi
