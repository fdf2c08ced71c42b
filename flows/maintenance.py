"""The maintenance flow: check a SQLite file's integrity in full, apply the configured
retention to stored versions and raw pages, and bring the backtest index up to date."""

from __future__ import annotations

from datetime import timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flows.config import DEFAULT_CONFIG, Retention, load_config
from flows.tasks import prepare_database, utcnow
from storage.db import check_integrity, write_engine
from storage.retention import Pruned, prune_raw_html, prune_versions
from storage.search import index_all


@task(retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE)
def apply_retention(engine: Engine, retention: Retention) -> Pruned:
    """Delete versions and raw pages older than their retention, in one transaction."""
    now = utcnow()
    with Session(write_engine(engine)) as session, session.begin():
        versions = (
            prune_versions(session, now - timedelta(days=retention.versions_days))
            if retention.versions_days
            else 0
        )
        raw_pages = (
            prune_raw_html(session, now - timedelta(days=retention.raw_html_days))
            if retention.raw_html_days
            else 0
        )
    return Pruned(versions=versions, raw_pages=raw_pages)


@task(cache_policy=NO_CACHE)
def refresh_search_index(engine: Engine) -> int:
    """Index the articles the backtest index does not hold as they are (rows written by other
    tools, or folded by an older version); how many. Until then backtests read them all."""
    with write_engine(engine).begin() as connection:
        return index_all(connection)


@task(cache_policy=NO_CACHE)
def verify_integrity(engine: Engine) -> None:
    """SQLite's full integrity_check (every index against its table); DatabaseUnusable if the
    file is damaged, before retention deletes anything. PostgreSQL checks itself."""
    check_integrity(engine, full=True)


@flow(name="newswatch-maintenance")
def maintenance(config_path: str = DEFAULT_CONFIG) -> Pruned:
    """Check the database, then apply the config's retention once (scheduled daily by `serve`
    and prefect.yaml)."""
    config = load_config(config_path)
    engine = prepare_database(config.database)
    try:
        verify_integrity(engine)
        pruned = apply_retention(engine, config.retention)
        indexed = refresh_search_index(engine)
    finally:
        engine.dispose()
    text = (
        f"deleted {pruned.versions} old versions (kept {config.retention.versions_days or '∞'}"
        f" days), cleared {pruned.raw_pages} raw pages"
        f" (kept {config.retention.raw_html_days or '∞'} days), indexed {indexed} articles"
        " for backtests"
    )
    get_run_logger().info(text)
    create_markdown_artifact(key="newswatch-maintenance", markdown=text)
    return pruned
