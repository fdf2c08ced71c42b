"""Fetch state: validators for conditional requests, the revisit schedule, outlet back-off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import Article, FetchState, OutletState

# Recent articles are fetched again to catch updates, less often as they age, then never:
# (age below which, minimum time between fetches).
REVISIT_SCHEDULE: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=6), timedelta(0)),  # every run
    (timedelta(hours=24), timedelta(hours=1)),
    (timedelta(days=3), timedelta(hours=6)),
)
# Validators are trusted for this long; then one fetch without them compares the content
# itself, which catches a server answering 304 (or the same ETag) for changed content.
FULL_FETCH_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class Conditional:
    """A URL to fetch, with the validators to send (None when a full fetch is due)."""

    url: str
    outlet: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetch:
    """One response the crawl reports back: its status and validators."""

    url: str
    outlet: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    conditional: bool = False  # whether validators were sent with the request


def revisit_interval(age: timedelta) -> timedelta | None:
    """The minimum time between fetches of an article this old; None once it is too old."""
    for younger_than, interval in REVISIT_SCHEDULE:
        if age < younger_than:
            return interval
    return None


def revisit_due(first_seen: datetime, last_fetched: datetime | None, now: datetime) -> bool:
    """Whether an article first seen at `first_seen`, last fetched at `last_fetched`, is due."""
    interval = revisit_interval(now - first_seen)
    if interval is None:
        return False
    return last_fetched is None or now - last_fetched >= interval


def due_revisits(session: Session, outlets: Iterable[str], now: datetime) -> list[Conditional]:
    """Stored articles of these outlets due for a revisit, with validators when trusted."""
    oldest = now - REVISIT_SCHEDULE[-1][0]
    query = (
        select(Article.url, Article.outlet, Article.first_seen_at, Article.published_at, FetchState)
        .outerjoin(FetchState, FetchState.url == Article.url)
        .where(Article.outlet.in_(list(outlets)), Article.first_seen_at > oldest)
        .order_by(Article.first_seen_at.desc())
    )
    due = []
    for url, outlet, first_seen, published, state in session.execute(query):
        # An archive article found today is as old as its publish date: not worth revisiting.
        born = min(first_seen, published) if published else first_seen
        last_fetched = state.fetched_at if state else first_seen
        if revisit_due(born, last_fetched, now):
            due.append(_conditional(url, outlet, state, now))
    return due


def source_validators(session: Session, outlets: Iterable[str], now: datetime) -> list[Conditional]:
    """Trusted validators of these outlets' feeds, sitemaps and pages (not of their articles)."""
    query = select(FetchState).where(
        FetchState.outlet.in_(list(outlets)),
        FetchState.etag.is_not(None) | FetchState.last_modified.is_not(None),
        ~exists().where(Article.url == FetchState.url),
    )
    found = (_conditional(state.url, state.outlet, state, now) for state in session.scalars(query))
    return [c for c in found if c.etag or c.last_modified]


def _conditional(url: str, outlet: str, state: FetchState | None, now: datetime) -> Conditional:
    full_fetch = state.full_fetch_at if state else None
    if full_fetch is None or now - full_fetch >= FULL_FETCH_EVERY:
        return Conditional(url, outlet)  # untrusted, or never fetched in full: ask in full
    return Conditional(url, outlet, state.etag, state.last_modified)


def record_fetches(session: Session, fetches: Iterable[Fetch], now: datetime) -> int:
    """Remember each response: a 304 keeps the stored validators, a 200 replaces them."""
    count = 0
    # One lock order for every writer: two overlapping runs upserting the same URLs in crawl
    # order deadlocked on PostgreSQL.
    for fetch in sorted(fetches, key=lambda fetch: fetch.url):
        values: dict = {"url": fetch.url, "outlet": fetch.outlet, "status": fetch.status,
                        "fetched_at": now}  # fmt: skip
        if fetch.status != 304:
            values |= {"etag": fetch.etag, "last_modified": fetch.last_modified}
            if not fetch.conditional:
                values["full_fetch_at"] = now
        insert = dialect_insert(session, FetchState).values(**values)
        updates = {key: value for key, value in values.items() if key != "url"}
        session.execute(insert.on_conflict_do_update(index_elements=["url"], set_=updates))
        count += 1
    return count


def active_backoffs(session: Session, now: datetime) -> dict[str, OutletState]:
    """Outlets that asked (429/503 Retry-After) to be left alone until a time still ahead."""
    query = select(OutletState).where(OutletState.backoff_until > now)
    return {state.outlet: state for state in session.scalars(query)}


def record_backoff(session: Session, outlet: str, until: datetime, reason: str) -> None:
    """Leave `outlet` alone until `until` (a later back-off wins over an earlier one)."""
    # Insert-or-ignore then a guarded update: safe when two runs record the same outlet.
    session.execute(
        dialect_insert(session, OutletState)
        .values(outlet=outlet, backoff_until=until, backoff_reason=reason)
        .on_conflict_do_nothing(index_elements=["outlet"])
    )
    session.execute(
        update(OutletState)
        .where(
            OutletState.outlet == outlet,
            or_(OutletState.backoff_until.is_(None), OutletState.backoff_until < until),
        )
        .values(backoff_until=until, backoff_reason=reason)
    )
