"""Store one crawled article and queue the alerts it owes, in one transaction (decide + apply)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from alerts.query import Match, Query, match
from flows.config import Watchlist
from spiders.items import ArticleRecord
from storage.articles import upsert_article
from storage.outbox import enqueue_alerts, has_alerted


@dataclass(frozen=True)
class Ingested:
    """What storing one record did: its change kind and the watchlists it newly matched."""

    kind: str  # "new" | "updated" | "unchanged"
    matched: tuple[str, ...]


def matches_for(
    record: ArticleRecord, queries: Mapping[str, Query]
) -> dict[str, Match]:
    """Watchlists whose query matches the record's clean title and text (pure)."""
    found = {}
    for name, query in queries.items():
        hit = match(query, record.title, record.text)
        if hit:
            found[name] = hit
    return found


def ingest(
    session: Session,
    record: ArticleRecord,
    watchlists: Sequence[Watchlist],
    queries: Mapping[str, Query],
    now: datetime,
) -> Ingested:
    """Upsert the article; for new or changed text, queue alerts for watchlists not yet alerted."""
    change = upsert_article(session, record, seen_at=now)
    if change.kind == "unchanged":
        return Ingested(kind="unchanged", matched=())
    hits = matches_for(record, queries)
    matched = []
    for watchlist in watchlists:
        hit = hits.get(watchlist.name)
        # An edit never re-alerts a watchlist that already alerted on this article.
        if hit is None or has_alerted(session, change.article_id, watchlist.name):
            continue
        matched.append(watchlist.name)
        enqueue_alerts(
            session,
            article_id=change.article_id,
            version_id=change.version_id,
            watchlist=watchlist.name,
            channels=watchlist.notify,
            terms=hit.terms,
            snippet=hit.snippet,
            now=now,
        )
    return Ingested(kind=change.kind, matched=tuple(matched))
