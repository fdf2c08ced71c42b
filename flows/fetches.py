"""After the crawl: remember each response's validators and each outlet's back-off, so the
next run asks conditionally and leaves alone who asked; where articles were lost, ask in full."""

from __future__ import annotations

from dataclasses import replace

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from flows.crawl import CrawlResult
from flows.tasks import utcnow
from storage.db import write_engine
from storage.fetches import record_backoff, record_fetches

_BACKOFF_KINDS = ("http_429", "http_503", "backoff")
_TRANSIENT_KINDS = frozenset({
    "timeout", "connection", "dns", "data_loss", "no_response", "bad_response", "cancelled",
    "robots_unavailable", "extract", *_BACKOFF_KINDS,
})  # fmt: skip


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


