"""Tasks every flow shares: the database made ready, and the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine

from storage.db import make_engine, mask_url, migrate


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
