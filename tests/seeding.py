"""Test helper: stored articles that each owe a "Syria" alert (watchlist "w") to a channel."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.outbox import enqueue_alerts


def seed_owed(
    engine: Engine, channel: str, stories: Iterable[tuple[str, str, str]], now: datetime
) -> None:
    """Store one article per (slug, title, text) under 127.0.0.1:9/news/, each owing an alert."""
    with Session(engine) as session, session.begin():
        for slug, title, text in stories:
            url = f"http://127.0.0.1:9/news/{slug}.html"
            record = ArticleRecord(url=url, fetched_url=url, outlet="Example", title=title,
                                   text=text)  # fmt: skip
            change = upsert_article(session, record, now)
            enqueue_alerts(session, article_id=change.article_id, watchlist="w",
                           channels=[channel], terms=["Syria"], snippet="Syria.",
                           now=now)  # fmt: skip
