"""Fetch state on both backends: the revisit schedule, validators, and outlet back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.fetches import (
    Conditional,
    Fetch,
    active_backoffs,
    due_revisits,
    record_backoff,
    record_fetches,
    revisit_due,
    source_validators,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("age", "since_fetch", "due"),
    [
        (1 * H, 0 * H, True),  # first hours: every run
        (5 * H, 0 * H, True),
        (10 * H, 0.5 * H, False),  # first day: hourly
        (10 * H, 1 * H, True),
        (48 * H, 5 * H, False),  # up to three days: every six hours
        (48 * H, 6 * H, True),
        (73 * H, 70 * H, False),  # older: never
    ],
)
def test_revisits_taper_with_age(age: timedelta, since_fetch: timedelta, due: bool) -> None:
    assert revisit_due(NOW - age, NOW - since_fetch, NOW) is due


def store(engine: Engine, url: str, seen: datetime, published: datetime | None = None) -> None:
    record = ArticleRecord(
        url=url, fetched_url=url, outlet="x", title="T", text="body", published_at=published
    )
    with Session(engine) as session, session.begin():
        upsert_article(session, record, seen)


def test_due_revisits_send_validators_until_a_full_fetch_is_due(engine: Engine) -> None:
    store(engine, "https://x.example/new", NOW - 2 * H)
    store(engine, "https://x.example/day", NOW - 20 * H)
    store(engine, "https://x.example/old", NOW - 100 * H)
    store(engine, "https://x.example/archive", NOW - H, published=NOW - 30 * 24 * H)
    with Session(engine) as session, session.begin():
        record_fetches(session, [
            Fetch("https://x.example/new", "x", 200, etag='"v1"'),
            Fetch("https://x.example/day", "x", 200, last_modified="Sat, 21 Nov 2026 11:00:00 GMT"),
        ], NOW - 0.5 * H)  # fmt: skip
    with Session(engine) as session:
        due = due_revisits(session, ["x"], NOW)
        assert due == [Conditional("https://x.example/new", "x", etag='"v1"')]
        # A day later both are due again, and their validators are no longer trusted.
        later = due_revisits(session, ["x"], NOW + 25 * H)
        assert later == [
            Conditional("https://x.example/new", "x"),
            Conditional("https://x.example/day", "x"),
        ]


def test_a_304_keeps_validators_and_the_last_full_fetch(engine: Engine) -> None:
    url = "https://x.example/feed.xml"
    with Session(engine) as session, session.begin():
        record_fetches(session, [Fetch(url, "x", 200, etag='"a"')], NOW - 30 * H)
        record_fetches(session, [Fetch(url, "x", 200, etag='"b"')], NOW - 2 * H)
        record_fetches(session, [Fetch(url, "x", 304, conditional=True)], NOW - H)
    with Session(engine) as session:
        assert source_validators(session, ["x"], NOW) == [Conditional(url, "x", etag='"b"')]
        # Trusted for a day after the last full fetch; then none are sent, and none listed.
        assert source_validators(session, ["x"], NOW + 23 * H) == []


def test_backoff_keeps_the_latest_time(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        record_backoff(session, "x", NOW + 2 * H, "http_429")
        record_backoff(session, "x", NOW + H, "http_503")  # earlier: ignored
        record_backoff(session, "y", NOW - H, "http_503")  # already over
    with Session(engine) as session:
        backoffs = active_backoffs(session, NOW)
    assert list(backoffs) == ["x"]
    assert (backoffs["x"].backoff_until, backoffs["x"].backoff_reason) == (NOW + 2 * H, "http_429")
