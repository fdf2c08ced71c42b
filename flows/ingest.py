"""Store one crawled article in its story and queue the alerts it owes, in one transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from alerts.matcher import Article, Match, Watchlists
from alerts.owe import Change, Owed, gate_date, needs_alerted, owed_alerts
from alerts.query import Query
from flows.config import Watchlist
from spiders.blockpage import is_block_page
from spiders.items import ArticleRecord
from storage.articles import ArticleChange, upsert_article
from storage.boilerplate import strip
from storage.outbox import NEW, UPDATE, alerted_watchlists, enqueue_alerts
from storage.similarity import signature
from storage.stories import Stories


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


def story_order(record: ArticleRecord, now: datetime) -> tuple[datetime, str]:
    """Sort key for a run's records: the earliest-published copy of a story is stored first."""
    # It founds the story and carries the story's alert; the URL breaks ties the same way in
    # every run, so overlapping runs store and alert alike.
    return gate_date(record.published_at, now, now), record.url


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
    dated = gate_date(change.published_at, change.first_seen_at or now, now)
    facts = Change(change.kind, material, dated)
    alerted = alerted_watchlists(session, story_id) if needs_alerted(facts, hits) else set()
    decision = owed_alerts(facts, watchlists, hits, alerted, now)
    notify = {watchlist.name: watchlist.notify for watchlist in watchlists}
    matched = [owed.watchlist for owed in decision.owed
               if _enqueue(session, change, owed, notify[owed.watchlist], now)]  # fmt: skip
    update_kind = change.update.kind if change.update else None
    return Ingested(change.kind, tuple(matched), decision.also_covered, update_kind)


def _enqueue(
    session: Session, change: ArticleChange, owed: Owed, channels: Sequence[str], now: datetime
) -> bool:
    """Owe the alert on every channel; True unless every channel owed it already."""
    hit = owed.hit
    # An update alert quotes what changed; it may be owed to a story the new text no longer
    # matches (a correction), so it has no terms then.
    passage = change.update.passage if change.update and owed.action == "update" else ""
    added = enqueue_alerts(
        session,
        article_id=change.article_id,
        version_id=change.version_id,
        story_id=change.story_id,
        kind=UPDATE if owed.action == "update" else NEW,
        watchlist=owed.watchlist,
        channels=channels,
        terms=hit.terms if hit else (),
        snippet=passage or (hit.snippet if hit else ""),
        now=now,
        fields=hit.fields if hit else (),
        # Offsets into the match's snippet: an update quotes its passage instead.
        highlights=hit.highlights if hit and not passage else (),
    )
    return added > 0 or not channels
