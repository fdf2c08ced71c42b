"""Store one crawled article in its story and queue the alerts it owes, in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from alerts.matcher import Article, Match, Watchlists
from alerts.query import Query
from flows.config import Watchlist
from spiders.blockpage import is_block_page
from spiders.items import ArticleRecord
from storage.articles import ArticleChange, upsert_article
from storage.boilerplate import strip
from storage.outbox import NEW, UPDATE, alerted_watchlists, enqueue_alerts
from storage.similarity import signature
from storage.stories import Stories

# A publish date further ahead than this is a CMS or timezone error, not tomorrow's news.
FUTURE_SLACK = timedelta(days=1)

Action = Literal["new", "update", "also_covered"]


@dataclass(frozen=True)
class Ingested:
    """What storing one record did: its change kind and what the watchlists made of it."""

    kind: str  # "new" | "updated" | "unchanged" | "block_page" (not stored, not matched)
    matched: tuple[str, ...]  # watchlists that now owe an alert (new or update)
    also_covered: tuple[str, ...] = ()  # matching watchlists that had alerted on its story
    update_kind: str | None = None  # "cosmetic" | "material" when kind is "updated"


def matches_for(record: ArticleRecord, queries: Mapping[str, Query]) -> dict[str, Match]:
    """Watchlists whose query matches the record (title, text, byline, outlet, language), all in
    one pass (pure)."""
    article = Article(record.title, record.text, record.author or "", record.outlet,
                      record.language)  # fmt: skip
    return Watchlists.of(queries).match(article)


def gate_date(published_at: datetime | None, first_seen_at: datetime, now: datetime) -> datetime:
    """The date the freshness gate goes by: the publish date, else when first seen (pure)."""
    # A date more than FUTURE_SLACK ahead is treated as unknown: trusted, a mistyped year or
    # a timezone slip would keep an article "fresh" (alerting, clustering) for days or years.
    if published_at is None or published_at > now + FUTURE_SLACK:
        return first_seen_at
    return published_at


def story_order(record: ArticleRecord, now: datetime) -> tuple[datetime, str]:
    """Sort key for a run's records: the earliest-published copy of a story is stored first."""
    # It founds the story and carries the story's alert; the URL breaks ties the same way in
    # every run, so overlapping runs store and alert alike.
    return gate_date(record.published_at, now, now), record.url


def decide(
    change: ArticleChange, watchlist: Watchlist, hit: Match | None, alerted: bool, fresh: bool
) -> Action | None:
    """What one watchlist owes one stored change (pure): an alert, an update alert, a note
    that its story was alerted already ("also_covered"), or nothing."""
    if change.kind == "new":
        if hit is None:
            return None
        if alerted:
            return "also_covered"
        return "new" if fresh else None
    material = change.update is not None and change.update.material
    # Cosmetic edits never alert; a material one alerts if the story did, or if it now matches.
    if change.kind == "updated" and material and watchlist.on_update == "alert" and fresh:
        return "update" if alerted or hit is not None else None
    return None


def ingest(
    session: Session,
    record: ArticleRecord,
    watchlists: Sequence[Watchlist],
    queries: Mapping[str, Query],
    stories: Stories,
    now: datetime,
    *,
    boilerplate: Collection[int] = frozenset(),
    sentence_fingerprints: Collection[int] | None = None,
    raw_html: bytes | None = None,
) -> Ingested:
    """Upsert the article into its story; queue what each watchlist owes the change.

    The outlet's learned `boilerplate` is stripped from the text first: matching, snippets,
    stories and versions only ever see the article's own text. `sentence_fingerprints` (of the
    text before stripping, the learning input) and the `raw_html` page are stored with it.
    A block page (a bot wall or paywall answering 200) is neither stored nor matched: health
    counts it, and its URL stays unknown so the article is fetched again once it is served."""
    if is_block_page(record.title, record.text):
        return Ingested(kind="block_page", matched=())
    learned = set(boilerplate)
    restate = (lambda text: strip(text, learned)) if learned else None
    if restate:
        record = replace(record, text=restate(record.text))
    sig = signature(record.title, record.text)
    change = upsert_article(
        session, record, now, signature=sig, story_id=stories.find(sig),
        sentence_fingerprints=sentence_fingerprints, raw_html=raw_html, restate=restate,
    )  # fmt: skip
    story_id = change.story_id or change.article_id
    stories.add(change.article_id, story_id, sig)  # copies later in this run find it
    if change.kind == "unchanged":
        return Ingested(kind="unchanged", matched=())
    hits = matches_for(record, queries)
    material = change.update is not None and change.update.material
    alerted = alerted_watchlists(session, story_id) if hits or material else set()
    dated = gate_date(change.published_at, change.first_seen_at or now, now)
    matched, also = [], []
    for watchlist in watchlists:
        hit = hits.get(watchlist.name)
        fresh = now - dated <= timedelta(days=watchlist.max_age_days)
        action = decide(change, watchlist, hit, watchlist.name in alerted, fresh)
        if action == "also_covered":
            also.append(watchlist.name)
        elif action is not None and _enqueue(session, change, watchlist, hit, action, now):
            matched.append(watchlist.name)
    update_kind = change.update.kind if change.update else None
    return Ingested(change.kind, tuple(matched), tuple(also), update_kind)


def _enqueue(
    session: Session,
    change: ArticleChange,
    watchlist: Watchlist,
    hit: Match | None,
    action: Action,
    now: datetime,
) -> bool:
    """Owe the alert on every channel; True unless every channel owed it already."""
    # An update alert quotes what changed; it may be owed to a story the new text no longer
    # matches (a correction), so it has no terms then.
    passage = change.update.passage if change.update and action == "update" else ""
    added = enqueue_alerts(
        session,
        article_id=change.article_id,
        version_id=change.version_id,
        story_id=change.story_id,
        kind=UPDATE if action == "update" else NEW,
        watchlist=watchlist.name,
        channels=watchlist.notify,
        terms=hit.terms if hit else (),
        snippet=passage or (hit.snippet if hit else ""),
        now=now,
        fields=hit.fields if hit else (),
        # Offsets into the match's snippet: an update quotes its passage instead.
        highlights=hit.highlights if hit and not passage else (),
    )
    return added > 0 or not watchlist.notify
