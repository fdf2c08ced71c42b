"""run.sh and test.sh: install once per extra, never once per command (stubbed venv, no pip)."""

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
# Records how it was called, like the real tool would be; python stands in for pip and pytest.
STUB = '#!/bin/sh\necho "$(basename "$0") $*" >> "$(dirname "$0")/../calls.log"\n'


def stub_checkout(tmp_path: Path, stamps: list[str]) -> Path:
    """A copy of the scripts and install inputs with a stub .venv installed at `stamps`."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("run.sh", "test.sh", "scripts/venv.sh", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, repo / name)
    old = time.time() - 3600
    for name in ("pyproject.toml", "constraints.txt"):
        os.utime(repo / name, (old, old))
    bin_dir = repo / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "newswatch", "ruff"):
        (bin_dir / tool).write_text(STUB)
        (bin_dir / tool).chmod(0o755)
    for stamp in stamps:
        (repo / ".venv" / stamp).touch()
    return repo


def run(repo: Path, *args: str) -> list[str]:
    """Run one of the scripts; the stub calls it made, oldest first."""
    log = repo / ".venv" / "calls.log"
    log.unlink(missing_ok=True)
    subprocess.run(["bash", *args], cwd=repo, check=True, timeout=60)
    return log.read_text().splitlines() if log.exists() else []


def stamps(repo: Path) -> list[str]:
    return sorted(p.name for p in (repo / ".venv").glob(".installed*"))


def test_run_sh_passes_commands_to_newswatch_without_reinstalling(tmp_path: Path) -> None:
    repo = stub_checkout(tmp_path, [".installed"])
    for _ in range(2):
        calls = run(repo, "run.sh", "check", "--config", "newswatch.toml")
        assert calls == ["newswatch check --config newswatch.toml"]  # no pip in between
    assert run(repo, "run.sh") == ["newswatch demo"]
    assert stamps(repo) == [".installed"]


def test_test_sh_installs_the_test_extra_once(tmp_path: Path) -> None:
    repo = stub_checkout(tmp_path, [".installed"])
    first = run(repo, "test.sh", "-q")
    assert "python -m pip install --quiet -e .[test] -c constraints.txt" in first
    assert first[-2:] == ["ruff check .", "python -m pytest -q"]
    assert run(repo, "test.sh", "-q") == ["ruff check .", "python -m pytest -q"]
    assert stamps(repo) == [".installed", ".installed-test"]


def test_a_changed_pyproject_reinstalls_without_extras(tmp_path: Path) -> None:
    repo = stub_checkout(tmp_path, [".installed"])
    stamp_time = time.time() - 60  # installed, then pyproject.toml edited
    os.utime(repo / ".venv" / ".installed", (stamp_time, stamp_time))
    (repo / "pyproject.toml").touch()
    calls = run(repo, "run.sh", "articles", "--json")
    assert calls[1:] == [
        "python -m pip install --quiet -e . -c constraints.txt",
        "newswatch articles --json",
    ]
    assert stamps(repo) == [".installed"]
