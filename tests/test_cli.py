"""The CLI's cheap paths: config checking, exit codes and the listing commands (no flow run)."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from flows.cli import app
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.db import make_engine, migrate

runner = CliRunner()


def write_config(tmp_path: Path, database: str, extra: str = "") -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(
        f'database = "{database}"\n[channels]\ndesk = "json://127.0.0.1:9/hook"\n'
        '[[outlets]]\nname = "Example"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
        '[[watchlists]]\nname = "w"\nquery = "Syria"\nnotify = ["desk"]\n' + extra
    )
    return path


def test_check_accepts_a_good_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--config", str(write_config(tmp_path, "sqlite:///x"))])
    assert result.exit_code == 0, result.output
    assert "1 outlets, 1 watchlists, 1 channels" in result.output


def test_check_and_run_refuse_a_broken_config_with_exit_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, "sqlite:///x", extra="[[watchlists]]\nname='v'\nquery='(a'\n")
    for command in ("check", "run"):
        result = runner.invoke(app, [command, "--config", str(path)])
        assert result.exit_code == 2
        assert "watchlists[1].query: invalid query" in result.output


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize("url", ["bogus://u:pw@h", "slack://T1/B2/pw@not a token!"])
def test_check_and_run_name_an_unusable_channel(tmp_path: Path, command: str, url: str) -> None:
    database = tmp_path / "x.db"
    path = write_config(tmp_path, f"sqlite:///{database}")
    path.write_text(path.read_text().replace("json://127.0.0.1:9/hook", url))
    result = runner.invoke(app, [command, "--config", str(path)])
    assert result.exit_code == 2
    assert "channels.desk" in result.output and "pw@" not in result.output
    assert not database.exists()  # refused before anything ran


def test_articles_and_versions_list_what_is_stored(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    url = "http://127.0.0.1:9/news/a-story.html"
    record = ArticleRecord(url=url, fetched_url=url, outlet="Example", title="A story",
                           text="First text.", published_at=datetime(2024, 3, 10, tzinfo=UTC))
    with Session(engine) as session, session.begin():
        upsert_article(session, record, datetime.now(UTC))
        upsert_article(session, ArticleRecord(**{**record.__dict__, "text": "Second text."}),
                       datetime.now(UTC))
    engine.dispose()
    config = str(write_config(tmp_path, database_url))
    listing = runner.invoke(app, ["articles", "--json", "--config", config])
    (row,) = [json.loads(line) for line in listing.output.splitlines()]
    assert row["url"] == url and row["version_count"] == 2 and row["text"] == "Second text."
    assert row["published_at"] == "2024-03-10T00:00:00+00:00"
    diff = runner.invoke(app, ["versions", url, "--config", config])
    assert "-First text." in diff.output and "+Second text." in diff.output
    assert runner.invoke(app, ["alerts", "--json", "--config", config]).output == ""


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"newswatch {version('newswatch')}"


def test_alert_states_offered_are_the_outbox_states() -> None:
    from typing import get_args

    from flows.cli_options import AlertStatus
    from storage.outbox import PENDING, SENT

    assert set(get_args(AlertStatus)) == {PENDING, SENT}


def test_alerts_refuses_an_unknown_status_listing_the_valid_ones(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, f"sqlite:///{tmp_path / 'x.db'}"))
    result = runner.invoke(app, ["alerts", "--status", "delivered", "--config", config])
    assert result.exit_code == 2
    assert "'pending'" in result.output and "'sent'" in result.output
    assert runner.invoke(app, ["alerts", "--status", "sent", "--config", config]).exit_code == 0


# A config `check` must refuse (exit 2), and what its message must say.
REFUSED = {
    "sqlite with two slashes": ('database = "sqlite:/newswatch.db"', "sqlite:///PATH"),
    "unsupported database": ('database = "mysql://u:hunter2@h/db"', "unsupported database"),
    "unknown channel scheme": ('desk = "slak://T0/B0/hunter2"', "unknown scheme slak://"),
    "missing slack token": ('desk = "slack://hunter2/Bxyz"', "invalid Slack (third) Token"),
    "unreadable json URL": ('desk = "json://"', "apprise cannot read this JSON URL"),
    "not a URL": ('desk = "hunter2"', "not an apprise URL"),
    "secret in apprise's reason": (
        'desk = "twilio://hunter2:tok@+15551234/+15556789"', "Twilio Account SID (***)"
    ),
    "unknown key": ("[crawl]\ndelay = 1", "crawl.delay: unknown key (did you mean 'delay_seconds"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_check_refuses_what_run_cannot_use_saying_why(tmp_path: Path, case: str) -> None:
    line, reason = REFUSED[case]
    path = write_config(tmp_path, "sqlite:///x.db")
    text = path.read_text()
    if line.startswith("database"):
        text = f"{line}\n" + text.split("\n", 1)[1]
    elif line.startswith("desk"):
        text = text.replace('desk = "json://127.0.0.1:9/hook"', line)
    else:
        text += line + "\n"
    path.write_text(text)
    result = runner.invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert "hunter2" not in result.output


def test_check_connect_refuses_an_unreachable_database(tmp_path: Path) -> None:
    from conftest import free_port

    dead = f"postgresql+psycopg://newswatch:hunter2@127.0.0.1:{free_port()}/nowhere"
    path = write_config(tmp_path, dead)
    result = runner.invoke(app, ["check", "--connect", "--config", str(path)])
    assert result.exit_code == 2
    assert "database: cannot connect: OperationalError" in result.output
    assert "hunter2" not in result.output
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("not a database " * 100)
    path = write_config(tmp_path, f"sqlite:///{not_a_db}")
    result = runner.invoke(app, ["check", "--connect", "--config", str(path)])
    assert result.exit_code == 2 and "file is not a database" in result.output


def test_check_connect_accepts_a_reachable_database(tmp_path: Path, database_url: str) -> None:
    result = runner.invoke(
        app, ["check", "--connect", "--config", str(write_config(tmp_path, database_url))]
    )
    assert result.exit_code == 0, result.output
    assert "database reachable" in result.output


def test_run_without_any_prefect_api_says_what_to_do(tmp_path: Path) -> None:
    # A real process: Prefect reads its settings from the environment it starts with.
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'n.db'}")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_SERVER_EPHEMERAL_ENABLED": "false", "PREFECT_HOME": str(tmp_path / "ph")}
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--config", str(config)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "no Prefect API" in done.stderr and "PREFECT_API_URL=" in done.stderr


def test_outlets_lists_each_configured_outlet_with_its_health(
    tmp_path: Path, database_url: str
) -> None:
    from alerts.health import DEGRADED, Health, RunCounts
    from storage.db import write_engine
    from storage.health import HealthState, record_change, record_run

    engine = make_engine(database_url)
    migrate(engine)
    at = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    with Session(write_engine(engine)) as session, session.begin():
        record_run(session, "Example", RunCounts(at=at, fetched=5, not_article=5, responses=6,
                                                 failed=1, errors={"http_403": 1}))  # fmt: skip
        record_change(session, "Example", HealthState(), Health(DEGRADED, "5 of 5 poor"), at,
                      notice=None, channels=[], url=None)  # fmt: skip
    engine.dispose()
    config = str(write_config(tmp_path, database_url))

    listing = runner.invoke(app, ["outlets", "--config", config])
    assert listing.exit_code == 0, listing.output
    assert "Example: degraded since 2026-11-01 12:00 UTC (5 of 5 poor)" in listing.output
    assert "last new article: never; last run: 2026-11-01 12:00 UTC, 0 discovered" in listing.output
    assert "1 failed (http_403×1)" in listing.output
    as_json = runner.invoke(app, ["outlets", "--json", "--config", config]).output
    row, channel = [json.loads(line) for line in as_json.splitlines()]
    assert (row["outlet"], row["state"], row["since"]) == ("Example", "degraded", at.isoformat())
    assert (row["kind"], channel["kind"], channel["state"]) == ("outlet", "channel", "ok")
    assert f"{channel['outlet']}: ok" in listing.output  # each channel's health, after the outlets
    assert row["last_run"]["not_article"] == 5 and row["last_new_article_at"] is None
    # The subcommand is still there.
    learned = runner.invoke(app, ["outlets", "boilerplate", "Example", "--config", config])
    assert learned.exit_code == 0 and "no boilerplate learned" in learned.output
