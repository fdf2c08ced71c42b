"""The Prefect tasks the flows are made of: database, crawl, store/match, deliver, report."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flows.config import Config, Outlet
from flows.crawl import CrawlError, CrawlResult, start_crawl
from flows.deliver import DeliveryReport, deliver_pending
from flows.report import RunSummary, stories_markdown
from flows.store import Batcher, Store, store_all
from spiders.items import ArticleRecord
from storage.articles import articles_by_outlet, known_urls
from storage.db import make_engine, mask_url, migrate, write_engine
from storage.fetches import (
    Conditional,
    active_backoffs,
    due_revisits,
    record_backoff,
    record_fetches,
    source_validators,
)
from storage.outbox import stories_alerted_since

KEEP_CRAWL_DIRS = 10
_BACKOFF_KINDS = ("http_429", "http_503", "backoff")
_TRANSIENT_KINDS = frozenset({
    "timeout", "connection", "dns", "data_loss", "no_response", "bad_response", "cancelled",
    "robots_unavailable", "extract", *_BACKOFF_KINDS,
})  # fmt: skip
# Shards of one cycle create their crawl directories side by side: never prune a young one.
MIN_CRAWL_DIR_AGE_SECONDS = 3600


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@task(cache_policy=NO_CACHE)
def prepare_database(database: str) -> Engine:
    """Open the database and bring its schema up to date (unattended migrations)."""
    engine = make_engine(database)
    migrate(engine)
    get_run_logger().info("database %s ready", mask_url(database))
    return engine


@dataclass(frozen=True)
class CrawlPlan:
    """What the crawl needs from storage: what to skip, what to ask conditionally, who waits."""

    outlets: list[Outlet]  # the outlets to crawl now
    known: set[str]  # stored article URLs not due for a revisit: never requested
    validators: list[Conditional]  # of feeds, sitemaps and pages fetched before
    revisits: list[Conditional]  # known articles due to be fetched again
    backed_off: dict[str, datetime] = field(default_factory=dict)  # outlet -> left alone until
    stored: dict[str, int] = field(default_factory=dict)  # outlet -> articles stored before


@task(cache_policy=NO_CACHE)
def plan_crawl(engine: Engine, outlets: list[Outlet]) -> CrawlPlan:
    """Gather known URLs, validators, revisits due and outlet back-offs from storage."""
    now = utcnow()
    with Session(engine) as session:
        backed_off = {
            name: state.backoff_until for name, state in active_backoffs(session, now).items()
        }
        active = [o for o in outlets if o.name not in backed_off]
        names = [o.name for o in active]
        revisits = due_revisits(session, names, now)
        validators = source_validators(session, names, now)
        known = known_urls(session, names) - {r.url for r in revisits}
        stored = articles_by_outlet(session, names)
    for name, until in backed_off.items():
        get_run_logger().info("%s asked to be left alone until %s: skipped", name, until)
    return CrawlPlan(active, known, validators, revisits, backed_off, stored)


@dataclass(frozen=True)
class StreamedCrawl:
    """A crawl stored while it ran: its result (None if it failed), what storing did, why it
    failed."""

    crawl: CrawlResult | None
    changes: dict[str, Counter]
    error: str | None = None


@task(cache_policy=NO_CACHE)
def crawl_and_store_streamed(
    engine: Engine, config: Config, plan: CrawlPlan, workdir: Path, shards: int
) -> StreamedCrawl:
    """Crawl the outlets in `shards` subprocesses and store their records, batch by batch,
    while they crawl; a failed crawl keeps what was stored before it failed."""
    running = start_crawl(
        plan.outlets, plan.known, config.crawl, workdir, shards=shards,
        validators=plan.validators, revisits=plan.revisits,
    )  # fmt: skip
    store = Store(engine, config, running.pages_dir)
    try:
        store_all(store, running.chunks(), Batcher(dict(plan.stored)))
    except CrawlError as exc:
        return StreamedCrawl(None, dict(store.counts), str(exc))
    finally:
        running.stop()
    result = running.result()
    get_run_logger().info(
        "crawl finished (%s): %d articles stored, log %s", result.finish_reason,
        sum(c["new"] + c["updated"] + c["unchanged"] for c in store.counts.values()),
        result.log_file,
    )  # fmt: skip
    return StreamedCrawl(result, dict(store.counts))


@task(cache_policy=NO_CACHE)
def store_and_match(
    engine: Engine, config: Config, records: list[ArticleRecord], pages: Path | None = None
) -> dict[str, Counter]:
    """Store records crawled before (all of them: one batch per outlet once warm), with the
    alerts they owe; count by outlet."""
    store = Store(engine, config, pages)
    store_all(store, [records], Batcher({}))
    return dict(store.counts)


@task(cache_policy=NO_CACHE)
def remember_fetches(engine: Engine, crawl: CrawlResult) -> None:
    """Store validators and back-offs for the next run (only after the articles are stored)."""
    # Where articles were lost (failed requests, a crawl cut short), the next run must read the
    # outlet's feeds in full again: a 304 would hide the links it did not get to.
    incomplete = crawl.finish_reason != "finished"
    lossy = {
        name
        for name, stats in crawl.outlets.items()
        if incomplete or any(_transient(kind) for kind in stats.errors)
    }
    fetches = [
        replace(f, etag=None, last_modified=None) if f.outlet in lossy and f.status == 200 else f
        for f in crawl.fetches
    ]
    now = utcnow()
    with Session(write_engine(engine)) as session, session.begin():
        record_fetches(session, fetches, now)
        for name, stats in crawl.outlets.items():
            if stats.backoff_until and stats.backoff_until > now:
                reason = ", ".join(k for k in stats.errors if k in _BACKOFF_KINDS)
                record_backoff(session, name, stats.backoff_until, reason or "retry-after")


def _transient(kind: str) -> bool:
    # Failures that may go away by the next run; a robots.txt ban or a 404 will not.
    return kind in _TRANSIENT_KINDS or kind.startswith("http_5")


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def deliver_alerts(engine: Engine, config: Config) -> DeliveryReport:
    """Deliver every pending alert, including those owed by earlier runs."""
    report = deliver_pending(engine, config.channels, utcnow)
    logger = get_run_logger()
    logger.info(
        "alerts: %d sent, %d failed, %d still pending", sum(report.sent_by_outlet.values()),
        report.failed, report.pending,
    )  # fmt: skip
    for notice in report.notices():  # a dead or failing channel is the operator's to fix
        logger.warning(notice)
    return report


@task(cache_policy=NO_CACHE)
def publish_report(summary: RunSummary, engine: Engine, started: datetime) -> None:
    """Publish the run's per-outlet table and its matching stories to the Prefect dashboard."""
    create_table_artifact(
        key="newswatch-run",
        table=summary.table(),
        description=f"newswatch cycle\n\n{summary.text()}",
    )
    with Session(engine) as session:
        stories = stories_alerted_since(session, started)
    create_markdown_artifact(
        key="newswatch-stories",
        markdown=stories_markdown(stories, summary.channel_notices),
        description=f"{len(stories)} matching stories this run",
    )


def crawl_dir(config_path: str, label: str = "") -> Path:
    """A fresh directory for one crawl's files (kept for replay and debugging)."""
    state = Path(os.environ.get("NEWSWATCH_STATE_DIR") or Path(config_path).parent / ".newswatch")
    root = state / "crawls"
    root.mkdir(parents=True, exist_ok=True)
    too_young = time.time() - MIN_CRAWL_DIR_AGE_SECONDS
    for old in sorted(root.iterdir())[:-KEEP_CRAWL_DIRS]:
        if old.stat().st_mtime < too_young:
            shutil.rmtree(old, ignore_errors=True)
    path = root / (utcnow().strftime("%Y%m%dT%H%M%S%fZ") + (f"-{label}" if label else ""))
    path.mkdir()
    return path
