"""Crash safety: a `newswatch run` SIGKILLed at each stage loses nothing and sends nothing twice."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from faulty_run import CRASH_ENV, HOLD_ENV, SCRIPT
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from flows.demo import demo_config_toml
from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver
from storage.db import make_engine
from storage.models import Article, ArticleVersion
from storage.outbox import AlertSummary, list_alerts

NEWSWATCH = str(Path(sys.executable).with_name("newswatch"))
OFFLINE_ENV = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}
RUN_TIMEOUT = 240


@dataclass(frozen=True)
class Stored:
    """What the database holds after a run."""

    urls: Counter[str]  # article rows per URL
    without_first_version: set[str]  # article rows lacking their version-1 row
    alerts: list[AlertSummary]


def start_run(
    config: Path, log: Path, extra_env: Mapping[str, str] | None = None, *args: str
) -> subprocess.Popen[bytes]:
    """Start `newswatch run --config` as a real process, with fault-injection variables if any
    and more `run` options."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSWATCH_")}
    env.update(OFFLINE_ENV)
    env.update(extra_env or {})
    # With a fault asked for, the same command line runs through the test-only wrapper.
    faulty = CRASH_ENV in env or HOLD_ENV in env
    command = [sys.executable, str(SCRIPT)] if faulty else [NEWSWATCH]
    with log.open("wb") as output:
        # A log file, not a pipe: a SIGKILLed run orphans its temporary Prefect server, which
        # would hold a pipe open. Its own session lets `finish` reap that orphan.
        return subprocess.Popen(
            [*command, "run", "--config", str(config), *args],
            env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def finish(process: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    """Wait for a run, stop whatever it left behind, and return its exit code and output."""
    try:
        returncode = process.wait(timeout=RUN_TIMEOUT)
    finally:
        with contextlib.suppress(ProcessLookupError):  # a clean exit leaves nothing behind
            os.killpg(process.pid, signal.SIGTERM)
    return returncode, log.read_text(errors="replace")


def run_once(config: Path, log: Path, crash_at: str | None = None) -> tuple[int, str]:
    """Run one cycle in a subprocess to its end (or its crash)."""
    return finish(start_run(config, log, {CRASH_ENV: crash_at} if crash_at else None), log)


def stored(database_url: str) -> Stored:
    """Read back articles, half-written articles and outbox rows."""
    engine = make_engine(database_url)
    first_version = exists().where(
        ArticleVersion.article_id == Article.id, ArticleVersion.version == 1
    )
    try:
        with Session(engine) as session:
            return Stored(
                urls=Counter(session.scalars(select(Article.url))),
                without_first_version=set(
                    session.scalars(select(Article.url).where(~first_version))
                ),
                alerts=list_alerts(session),
            )
    finally:
        engine.dispose()


def delivered_urls(inbox: AlertReceiver) -> Counter[str]:
    """How often each article URL was alerted (the URL is the body's third line)."""
    return Counter(message["message"].splitlines()[2] for message in inbox.received)


def write_config(tmp_path: Path, database_url: str, site: DemoSite, inbox: AlertReceiver) -> Path:
    """A demo config alerting the one HTTP inbox."""
    config = tmp_path / "newswatch.toml"
    config.write_text(demo_config_toml(database_url, site.outlets(), {"inbox": inbox.url}))
    return config


def assert_complete(database_url: str, site: DemoSite, inbox: AlertReceiver) -> None:
    """Every article stored once and whole; every expected alert delivered and marked once."""
    after = stored(database_url)
    assert after.urls == Counter({site.url(page): 1 for page in site.articles()})
    assert after.without_first_version == set()
    expected = site.expected_matches()
    assert expected
    assert delivered_urls(inbox) == Counter({url: 1 for url in expected})
    assert sorted(a.url for a in after.alerts) == sorted(expected)
    assert all(a.status == "sent" and a.attempts == 1 for a in after.alerts)


# What the crashed run must have left: (articles stored, alerts delivered); None = all of them.
# Records are stored in batches while the crawl runs, each batch one transaction: a crash in
# the first batch (after its first article) loses that batch whole, and the rerun fetches it.
LEFT_BEHIND = {
    "mid_store": (0, 0),
    "after_store": (None, 0),
    "mid_delivery": (None, 1),
}


@pytest.mark.parametrize(
    ("crash_at", "database_url"),
    [
        # Every point on SQLite; on PostgreSQL the two that interrupt a stage half-way.
        *[(point, "sqlite") for point in LEFT_BEHIND],
        ("mid_store", "postgresql"),
        ("mid_delivery", "postgresql"),
    ],
    indirect=["database_url"],
)
def test_sigkill_then_rerun_loses_nothing_and_sends_nothing_twice(
    crash_at: str, database_url: str, tmp_path: Path
) -> None:
    with DemoSite() as site, AlertReceiver() as inbox:
        config = write_config(tmp_path, database_url, site, inbox)

        returncode, output = run_once(config, tmp_path / "crash.log", crash_at)
        assert returncode == -signal.SIGKILL, output

        articles, alerts = LEFT_BEHIND[crash_at]
        before = stored(database_url)
        total = len(site.articles())
        assert sum(before.urls.values()) == (total if articles is None else articles)
        assert before.without_first_version == set()
        assert len(inbox.received) == alerts
        assert sum(a.status == "sent" for a in before.alerts) == alerts

        returncode, output = run_once(config, tmp_path / "rerun.log")
        assert returncode == 0, output
        assert_complete(database_url, site, inbox)
