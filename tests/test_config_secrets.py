"""A config file that lets others read the secrets written in it is warned about, and refused
by `check --strict`; secrets read from the environment are fine."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.config_checks import exposure_problem, inline_secrets

runner = CliRunner()
SECRET = "s3cr3t-canary-7f2c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"channels": {"desk": f"slack://T0/B0/{SECRET}"}}, ["channels.desk"]),
        ({"channels": {"desk": "${DESK_URL}"}}, []),
        ({"channels": {"desk": "json://${HOOK_HOST}/${HOOK_TOKEN}"}}, []),
        ({"database": f"postgresql+psycopg://u:{SECRET}@h/db"}, ["database (its password)"]),
        ({"database": "postgresql+psycopg://u:${DB_PASSWORD}@h/db"}, []),
        ({"database": "sqlite:///news.db"}, []),
        ({"database": "not a url at all"}, []),
        ({"channels": "not a table"}, []),
    ],
)
def test_inline_secrets_are_found_as_written(raw: dict, expected: list[str]) -> None:
    assert inline_secrets(raw) == expected


@pytest.mark.parametrize(
    ("mode", "open_to"),
    [
        (0o100600, None),
        (0o100400, None),
        (0o100640, "group (read)"),
        (0o100602, "others (write)"),
        (0o100664, "group (read/write) and others (read)"),
    ],
)
def test_exposure_says_who_may_read_or_write_and_the_fix(mode: int, open_to: str | None) -> None:
    problem = exposure_problem("/etc/nw.toml", mode, ["channels.desk"])
    if open_to is None:
        assert problem is None
        return
    assert problem is not None
    assert f"open to {open_to} (mode {mode & 0o777:04o})" in problem
    assert "chmod 600 /etc/nw.toml" in problem and "channels.desk" in problem
    assert exposure_problem("/etc/nw.toml", mode, []) is None  # nothing secret in it


def write_config(tmp_path: Path, channel: str, mode: int, database: str = "") -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'database = "{database or "sqlite:///" + str(tmp_path / "n.db")}"\n'
        f'[channels]\ndesk = "{channel}"\n'
        '[[outlets]]\nname = "Example"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
        '[[watchlists]]\nname = "w"\nquery = "Syria"\nnotify = ["desk"]\n'
    )
    path.chmod(mode)
    return path


def test_check_warns_and_strict_refuses_a_readable_file_with_inline_secrets(
    tmp_path: Path,
) -> None:
    path = write_config(tmp_path, f"json://127.0.0.1:9/hook?+X-Token={SECRET}", 0o644)

    warned = runner.invoke(app, ["check", "--config", str(path)])
    assert warned.exit_code == 0, warned.output
    assert f"warning: {path} holds secrets inline (channels.desk)" in warned.output
    assert "(mode 0644)" in warned.output and f"chmod 600 {path}" in warned.output

    refused = runner.invoke(app, ["check", "--strict", "--config", str(path)])
    assert refused.exit_code == 2
    assert f"error: {path} holds secrets inline" in refused.output

    path.chmod(0o600)
    fixed = runner.invoke(app, ["check", "--strict", "--config", str(path)])
    assert fixed.exit_code == 0, fixed.output
    assert "warning" not in fixed.output
    for result in (warned, refused, fixed):
        assert SECRET not in result.output


def test_secrets_from_the_environment_are_fine_at_any_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_URL", f"json://127.0.0.1:9/hook?+X-Token={SECRET}")
    path = write_config(tmp_path, "${DESK_URL}", 0o666)
    result = runner.invoke(app, ["check", "--strict", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_a_database_password_counts_and_run_warns_too(tmp_path: Path) -> None:
    database = f"postgresql+psycopg://newswatch:{SECRET}@127.0.0.1:9/news"
    path = write_config(tmp_path, "${DESK_URL}", 0o640, database=database)
    env = {"DESK_URL": "json://127.0.0.1:9/hook"}
    refused = runner.invoke(app, ["check", "--strict", "--config", str(path)], env=env)
    assert refused.exit_code == 2
    assert "holds secrets inline (database (its password))" in refused.output
    assert "open to group (read)" in refused.output

    # `run` warns before it starts; a damaged database then stops it early and cheaply.
    damaged = tmp_path / "n.db"
    damaged.write_text("not a database " * 100)
    path = write_config(tmp_path, "json://127.0.0.1:9/hook", 0o604)
    run = runner.invoke(app, ["run", "--config", str(path)])
    assert run.exit_code == 1
    assert f"warning: {path} holds secrets inline (channels.desk)" in run.output
    assert "open to others (read)" in run.output
    assert f"database {damaged} is damaged" in run.output
    assert SECRET not in refused.output + run.output
