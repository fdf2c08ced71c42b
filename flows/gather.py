"""Gather: what a crawl needs from storage and the file system before it starts (known URLs,
validators, revisits due, back-offs, each outlet's stored count, a fresh crawl directory)."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flows.config import Outlet
from flows.tasks import utcnow
from storage.articles import articles_by_outlet, known_urls
from storage.fetches import Conditional, active_backoffs, due_revisits, source_validators

KEEP_CRAWL_DIRS = 10
# Shards of one cycle create their crawl directories side by side: never prune a young one.
MIN_CRAWL_DIR_AGE_SECONDS = 3600


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
