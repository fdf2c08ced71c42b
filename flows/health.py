"""The cycle's health step: record each crawled outlet's run, decide its state and each alert
channel's, owe a notice on each change from ok to bad and back (alerts.health decides,
storage.health stores)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.health import (
    OK,
    Health,
    RunCounts,
    assess,
    channel_health,
    channel_subject,
    notice_for,
)
from flows.config import Config, Outlet
from flows.crawl import OutletCrawlStats
from flows.shards import ShardOutcome
from flows.tasks import utcnow
from storage.channels import load_health
from storage.db import write_engine
from storage.health import (
    HealthState,
    current_states,
    load_history,
    notices_sent_since,
    record_change,
    record_run,
)


def run_counts(
    stats: OutletCrawlStats, changes: Counter, responses: int, at: datetime
) -> RunCounts:
    """One outlet's run from the crawl's stats and the store step's counts."""
    return RunCounts(
        at=at, discovered=stats.discovered, fetched=stats.fetched, new=changes["new"],
        updated=changes["updated"], failed=stats.failed, not_article=stats.not_article,
        blocked=changes["blocked"], short=changes["short"], responses=responses,
        not_modified=stats.not_modified, errors=dict(stats.errors),
    )  # fmt: skip


def crawled_runs(outcome: ShardOutcome, at: datetime) -> dict[str, RunCounts]:
    """The runs of the outlets crawled this cycle (skipped or failed shards have none)."""
    return {
        name: run_counts(stats, outcome.changes.get(name, Counter()),
                         outcome.responses.get(name, 0), at)  # fmt: skip
        for name, stats in outcome.outlets.items()
    }


@task(cache_policy=NO_CACHE)
def assess_health(
    engine: Engine, config: Config, outcome: ShardOutcome, now: datetime | None = None
) -> dict[str, Health]:
    """Record this cycle's runs, decide each configured outlet's and channel's state and, in
    the same transaction, owe one notice per change from ok to bad and back; return every
    outlet's state. `now` is the cycle's time (default: the clock's)."""
    now = now or utcnow()
    runs = crawled_runs(outcome, now)
    names = [outlet.name for outlet in config.outlets]
    with Session(write_engine(engine)) as session, session.begin():
        for name, run in runs.items():
            record_run(session, name, run)
        history = load_history(session, runs)
        before = current_states(session, names)
        states = {name: Health(s.state, s.reason) for name, s in before.items()}
        for outlet in config.outlets:
            if outlet.name not in runs:
                continue  # not crawled this cycle: no new evidence
            was = before.get(outlet.name, HealthState())
            health = assess(history.get(outlet.name, []), was.state, now)
            states[outlet.name] = health
            if health.state != was.state:
                _change(session, outlet, was, health, config.health.notify, now)
        assess_channels(session, config, now)
    return {name: states.get(name, Health(OK)) for name in names}


def health_notices_sent(engine: Engine, since: datetime) -> Counter:
    """The health notices delivered since `since`, by outlet (or "channel NAME"): the run
    summary reports them apart from the alerts each outlet's stories owed."""
    with Session(engine) as session:
        return Counter(notices_sent_since(session, since))


def assess_channels(session: Session, config: Config, now: datetime) -> None:
    """Decide each configured channel's state from its delivery record (read, never written:
    flows.deliver keeps it) and owe a notice when it goes dead and when it recovers."""
    stored = load_health(session)
    subjects = {name: channel_subject(name) for name in config.channels}
    before = current_states(session, subjects.values())
    for name, subject in subjects.items():
        was = before.get(subject, HealthState())
        health = channel_health(stored.get(name), was.state)
        if health.state == was.state:
            continue
        # A dead channel is not told of its own death: that notice would wait until it is fixed.
        notify = [c for c in config.health.notify if c != name or health.state == OK]
        if record_change(session, subject, was, health, now, channels=notify, url=None,
                         notice=notice_for(subject, was.state, health)):  # fmt: skip
            get_run_logger().warning("%s: %s -> %s", subject, was.state, health.state)


def _change(session: Session, outlet: Outlet, was: HealthState, health: Health,
            channels: list[str], now: datetime) -> None:  # fmt: skip
    notice = notice_for(outlet.name, was.state, health)
    url = next(iter([*outlet.feeds, *outlet.sitemaps, *outlet.pages]), None)
    stored = record_change(session, outlet.name, was, health, now, notice=notice,
                           channels=channels, url=url)  # fmt: skip
    if stored:
        get_run_logger().warning(
            "outlet %s: %s -> %s%s", outlet.name, was.state, health.state,
            f" ({health.reason})" if health.reason else "",
        )  # fmt: skip
