"""Retention on both backends: old versions and raw pages go, current and alerted ones stay."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.articles import ArticleChange, upsert_article
from storage.models import Alert, ArticleVersion
from storage.outbox import enqueue_alerts
from storage.retention import prune_raw_html, prune_versions

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def store(
    engine: Engine, text: str, day: int, url: str = "https://news.example/a"
) -> ArticleChange:
    record = ArticleRecord(url=url, fetched_url=url, outlet="x", title="T", text=text)
    with Session(engine) as session, session.begin():
        change = upsert_article(session, record, T0 + timedelta(days=day))
        row = session.get(ArticleVersion, change.version_id)
        row.raw_html = zlib.compress(f"<p>{text}</p>".encode())
        return change


def alert_on(engine: Engine, change: ArticleChange) -> None:
    with Session(engine) as session, session.begin():
        enqueue_alerts(
            session, article_id=change.article_id, version_id=change.version_id, watchlist="w",
            channels=["desk"], terms=["t"], snippet="s", now=T0,
        )  # fmt: skip


def versions(engine: Engine) -> list[tuple[str, int, bool]]:
    with Session(engine) as session:
        rows = session.scalars(select(ArticleVersion).order_by(ArticleVersion.id))
        return [(row.text, row.version, row.raw_html is not None) for row in rows]


def test_prune_keeps_current_alerted_and_recent_versions(engine: Engine) -> None:
    alerted = store(engine, "v1", day=0)
    alert_on(engine, alerted)
    store(engine, "v2", day=1)
    store(engine, "v3", day=2)
    store(engine, "v4", day=30)
    store(engine, "only", day=0, url="https://news.example/b")  # old but current

    with Session(engine) as session, session.begin():
        deleted = prune_versions(session, fetched_before=T0 + timedelta(days=10))

    assert deleted == 2  # v2 and v3: superseded, old, not alerted
    assert [(text, version) for text, version, _ in versions(engine)] == [
        ("v1", 1),
        ("v4", 4),
        ("only", 1),
    ]
    with Session(engine) as session:
        alert = session.scalars(select(Alert)).one()
        assert session.get(ArticleVersion, alert.version_id).text == "v1"
    # Numbering goes on from the newest version, gaps and all.
    assert store(engine, "v5", day=31).version == 5


def test_prune_raw_html_keeps_text(engine: Engine) -> None:
    store(engine, "v1", day=0)
    store(engine, "v2", day=20)
    with Session(engine) as session, session.begin():
        cleared = prune_raw_html(session, fetched_before=T0 + timedelta(days=10))
    assert cleared == 1
    assert versions(engine) == [("v1", 1, False), ("v2", 2, True)]


def test_database_refuses_deleting_an_alerted_version(engine: Engine) -> None:
    # The foreign key is the backstop under retention: an alert can never lose its version.
    change = store(engine, "v1", day=0)
    alert_on(engine, change)
    store(engine, "v2", day=1)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.execute(delete(ArticleVersion).where(ArticleVersion.id == change.version_id))
