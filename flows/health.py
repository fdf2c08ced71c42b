"""The cycle's health step: record each crawled outlet's run, decide its state, owe a notice on
each change from ok to bad and back (alerts.health decides, storage.health stores)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.health import OK, Health, RunCounts, assess, notice_for
from flows.config import Config, Outlet
from flows.crawl import OutletCrawlStats
from flows.shards import ShardOutcome
from flows.tasks import utcnow
from storage.db import write_engine
from storage.health import HealthState, current_states, load_history, record_change, record_run


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
def assess_health(engine: Engine, config: Config, outcome: ShardOutcome) -> dict[str, Health]:
    """Record this cycle's runs, decide each configured outlet's state and, in the same
    transaction, owe one notice per change from ok to bad and back; return every state."""
    now = utcnow()
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
    return {name: states.get(name, Health(OK)) for name in names}


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
