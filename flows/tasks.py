"""The Prefect tasks the flows are made of: database, crawl, store/match, deliver, report."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.query import parse_query
from flows.config import Config, Outlet
from flows.crawl import CrawlResult, run_crawl
from flows.deliver import DeliveryReport, deliver_pending
from flows.faults import crash_point
from flows.ingest import ingest
from flows.report import RunSummary
from spiders.items import ArticleRecord
from storage.articles import known_urls
from storage.db import make_engine, mask_url, migrate, write_engine

KEEP_CRAWL_DIRS = 10
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


@task(cache_policy=NO_CACHE)
def load_known_urls(engine: Engine, outlets: list[str]) -> set[str]:
    """Canonical URLs already stored for these outlets: the crawl will not refetch them."""
    with Session(engine) as session:
        return known_urls(session, outlets)


@task(retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def crawl_outlets(
    config: Config, outlets: list[Outlet], known: set[str], workdir: Path, shards: int
) -> CrawlResult:
    """Discover and fetch new articles of the outlets in `shards` crawl subprocesses."""
    result = run_crawl(outlets, known, config.crawl, workdir, shards=shards)
    get_run_logger().info(
        "crawl finished (%s): %d articles, log %s",
        result.finish_reason, len(result.records), result.log_file,
    )  # fmt: skip
    return result


@task(cache_policy=NO_CACHE)
def store_and_match(
    engine: Engine, config: Config, records: list[ArticleRecord]
) -> dict[str, Counter]:
    """Store each article with the alerts it owes in one transaction; count by outlet."""
    queries = {w.name: parse_query(w.query) for w in config.watchlists}
    counts: dict[str, Counter] = defaultdict(Counter)
    writer = write_engine(engine)  # on SQLite, wait for the write lock at BEGIN
    for record in records:
        with Session(writer) as session, session.begin():
            result = ingest(session, record, config.watchlists, queries, utcnow())
        crash_point("mid_store")  # fault injection for tests: dies after the first commit
        counts[record.outlet][result.kind] += 1
        counts[record.outlet]["matched"] += bool(result.matched)
    return counts


@task(retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def deliver_alerts(engine: Engine, config: Config) -> DeliveryReport:
    """Deliver every pending alert, including those owed by earlier runs."""
    report = deliver_pending(engine, config.channels, utcnow)
    get_run_logger().info(
        "alerts: %d sent, %d still pending", sum(report.sent_by_outlet.values()), report.failed
    )
    return report


@task(cache_policy=NO_CACHE)
def publish_report(summary: RunSummary) -> None:
    """Publish the run's per-outlet table to the Prefect dashboard."""
    create_table_artifact(
        key="newswatch-run",
        table=summary.table(),
        description=f"newswatch cycle\n\n{summary.text()}",
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
