"""The alert outbox: alerts owed per story, written with their article, delivered and marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, func, or_, select, update
from sqlalchemy.orm import Session

from alerts.health import Notice
from alerts.keys import NEW, UPDATE, idempotency_key, story_key
from alerts.route import NEXT as NEXT_DIGEST
from alerts.route import NOW as NOW_DIGEST
from storage.articles import local_published
from storage.db import dialect_insert
from storage.models import Alert, Article, ArticleVersion, OutletHealth
from storage.stories import other_outlets, shared_story_outlets

PENDING = "pending"
SENT = "sent"


@dataclass(frozen=True)
class PendingAlert:
    """An alert still owed, with everything its message needs."""

    alert_id: int
    idempotency_key: str
    watchlist: str
    channel: str
    attempts: int
    terms: tuple[str, ...]
    snippet: str
    url: str
    title: str
    outlet: str
    published_at: datetime | None  # in the offset the page wrote it with (UTC if unknown)
    kind: str = NEW  # or UPDATE: the snippet is then the changed passage
    update_reason: str | None = None
    also_covered_by: tuple[str, ...] = ()  # the story's other outlets, as of delivery
    created_at: datetime | None = None  # when it was first owed
    sent_alone: bool = False  # already sent alone, owed in a digest too ("both" mode)
    fields: tuple[str, ...] = ()  # per term, where it was found (alerts.matcher.Match)
    highlights: tuple[tuple[int, int], ...] = ()  # matched words' [start, end) in the snippet


@dataclass(frozen=True)
class AlertSummary:
    """One outbox row as listed by the CLI."""

    watchlist: str
    url: str
    channel: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    kind: str = NEW
    digest: str | None = None  # owed in the next digest, one at the end of the run, or sent


def enqueue_alerts(
    session: Session,
    *,
    article_id: int,
    version_id: int | None = None,
    story_id: int | None = None,
    kind: str = NEW,
    watchlist: str,
    channels: Sequence[str],
    terms: Sequence[str],
    snippet: str,
    now: datetime,
    fields: Sequence[str] = (),
    highlights: Sequence[tuple[int, int]] = (),
) -> int:
    """Owe one alert per channel unless already owed or sent; returns how many were added.
    `fields` and `highlights` are the match's evidence (alerts.matcher.Match), kept with it.

    With a story the key is the story's (one NEW and one UPDATE alert per watchlist, story
    and channel, ever); without one it is the article's, as before stories.
    """
    if story_id is None:
        keys = {channel: idempotency_key(watchlist, article_id, channel) for channel in channels}
        story_id = session.scalar(select(Article.story_id).where(Article.id == article_id))
    else:
        keys = {channel: story_key(watchlist, story_id, channel, kind) for channel in channels}
    rows = [
        {
            "idempotency_key": keys[channel],
            "watchlist": watchlist,
            "article_id": article_id,
            "story_id": story_id,
            "kind": kind,
            "version_id": version_id,
            "channel": channel,
            "status": PENDING,
            "attempts": 0,
            "matched_terms": list(terms),
            "snippet": snippet,
            "evidence": _evidence(fields, highlights),
            "created_at": now,
        }
        for channel in dict.fromkeys(channels)  # dedupe, keeping the order
    ]
    if not rows:
        return 0
    # RETURNING counts the inserted rows: rowcount is -1 for this INSERT on psycopg.
    statement = (
        dialect_insert(session, Alert.__table__)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Alert.__table__.c.id)
    )
    return len(session.execute(statement).all())


def _evidence(fields: Sequence[str], highlights: Sequence[tuple[int, int]]) -> dict | None:
    if not fields and not highlights:
        return None
    return {"fields": list(fields), "highlights": [[start, end] for start, end in highlights]}


def has_alerted(session: Session, article_id: int, watchlist: str) -> bool:
    """Whether any alert (pending or sent, on any channel) exists for this article and watchlist."""
    query = select(exists().where(Alert.article_id == article_id, Alert.watchlist == watchlist))
    return bool(session.scalar(query))


def alerted_watchlists(session: Session, story_id: int) -> set[str]:
    """The watchlists that owe or sent an alert (of any kind, on any channel) for this story."""
    query = select(Alert.watchlist).where(Alert.story_id == story_id).distinct()
    return set(session.scalars(query))


def pending_alerts(session: Session, limit: int | None = None) -> list[PendingAlert]:
    """Alerts still owed, oldest first, joined with their article (claimed or not)."""
    query = _with_articles().where(Alert.status == PENDING).order_by(Alert.created_at, Alert.id)
    if limit is not None:
        query = query.limit(limit)
    return _pending_alerts(session, query)


def pending_channels(session: Session) -> list[str]:
    """The channels that still owe at least one alert or a digest, in name order."""
    owed = (Alert.status == PENDING) | Alert.digest.in_((NEXT_DIGEST, NOW_DIGEST))
    query = select(Alert.channel).where(owed).distinct().order_by(Alert.channel)
    return list(session.scalars(query))


def claim_pending(
    session: Session,
    *,
    channel: str | None = None,
    lease: timedelta,
    now: datetime,
    limit: int | None = None,
    after_id: int | None = None,
    in_digest: bool = False,
) -> list[PendingAlert]:
    """Lease alerts nobody holds (or whose lease ran out) until now + lease, by id: those owed
    alone, or with `in_digest` those owed in a digest (sent alone already in "both" mode)."""
    # One UPDATE ... RETURNING claims atomically. On SQLite it must open the caller's
    # transaction: it then takes the write lock (waiting out the busy timeout) before it reads,
    # so claimers serialize; after an earlier read SQLite fails fast with "database is locked".
    owed = (
        Alert.digest.in_((NEXT_DIGEST, NOW_DIGEST)) if in_digest
        else (Alert.status == PENDING) & Alert.digest.is_(None)
    )  # fmt: skip
    claimable = (
        select(Alert.id)
        .where(owed, or_(Alert.claimed_until.is_(None), Alert.claimed_until < now))
        .order_by(Alert.id)
        .limit(limit)
        # PostgreSQL: rows another claimer holds are passed over, not waited for, and a row
        # claimed since our snapshot is re-checked against the lease when locked. SQLite ignores it.
        .with_for_update(skip_locked=True)
    )
    if channel is not None:
        claimable = claimable.where(Alert.channel == channel)
    if after_id is not None:
        claimable = claimable.where(Alert.id > after_id)
    claim = (
        update(Alert)
        .where(Alert.id.in_(claimable.scalar_subquery()))
        .values(claimed_until=now + lease)
        .returning(Alert.id)
    )
    ids = list(session.execute(claim).scalars())
    if not ids:
        return []
    query = _with_articles().where(Alert.id.in_(ids)).order_by(Alert.id)
    return _pending_alerts(session, query)


_Row = tuple[Alert, Article | None, str | None, OutletHealth | None]


def _with_articles() -> Select[_Row]:
    # A health notice has no article: it is about an outlet's state change.
    return (
        select(Alert, Article, ArticleVersion.update_reason, OutletHealth)
        .outerjoin(Article, Article.id == Alert.article_id)
        .outerjoin(ArticleVersion, ArticleVersion.id == Alert.version_id)
        .outerjoin(OutletHealth, OutletHealth.id == Alert.health_event_id)
    )


def _pending_alerts(session: Session, query: Select[_Row]) -> list[PendingAlert]:
    rows = session.execute(query).tuples().all()
    # Read at delivery time, so an alert names every outlet stored by then.
    stories = {alert.story_id for alert, *_ in rows if alert.story_id is not None}
    outlets = shared_story_outlets(session, stories)
    return [
        _pending(alert, article, reason, outlets) if article is not None
        else _health_notice(alert, event)
        for alert, article, reason, event in rows
    ]  # fmt: skip


def _health_notice(alert: Alert, event: OutletHealth | None) -> PendingAlert:
    """A health notice in an alert's shape: the outlet's change as headline, its reason as
    snippet, the outlet's first source as URL."""
    if event is None:
        raise LookupError(f"outbox row {alert.id} has neither an article nor a health change")
    notice = Notice(event.outlet, event.state, event.previous, alert.snippet)
    return PendingAlert(
        alert_id=alert.id, idempotency_key=alert.idempotency_key, watchlist=alert.watchlist,
        channel=alert.channel, attempts=alert.attempts, terms=(), snippet=alert.snippet,
        url=event.url or "", title=notice.title, outlet=event.outlet,
        published_at=event.changed_at, created_at=alert.created_at,
    )  # fmt: skip


def _pending(
    alert: Alert, article: Article, reason: str | None, story_outlets: Mapping[int, list[str]]
) -> PendingAlert:
    also = other_outlets(story_outlets.get(alert.story_id or article.id, []), article.outlet)
    evidence = alert.evidence if isinstance(alert.evidence, dict) else {}
    return PendingAlert(
        alert_id=alert.id,
        idempotency_key=alert.idempotency_key,
        watchlist=alert.watchlist,
        channel=alert.channel,
        attempts=alert.attempts,
        terms=tuple(alert.matched_terms),
        snippet=alert.snippet,
        url=article.url,
        title=article.title,
        outlet=article.outlet,
        published_at=local_published(article),  # the outlet's local time, as its page said
        kind=alert.kind,
        update_reason=reason if alert.kind == UPDATE else None,
        also_covered_by=also,
        created_at=alert.created_at,
        sent_alone=alert.status == SENT,
        fields=tuple(str(field) for field in evidence.get("fields") or ()),
        highlights=tuple(
            (int(span[0]), int(span[1])) for span in evidence.get("highlights") or ()
            if isinstance(span, list | tuple) and len(span) == 2
        ),
    )


def mark_sent(
    session: Session, alert_id: int, now: datetime, digest: str | None = None
) -> None:
    """Record a successful delivery alone: the alert is sent, its lease released, never owed
    alone again (`digest`: still owed in a digest, as in "both" mode)."""
    _update(
        session,
        alert_id,
        status=SENT,
        sent_at=now,
        sent_as="alert",
        digest=digest,
        attempts=Alert.attempts + 1,
        claimed_until=None,
    )


def mark_failed(session: Session, alert_id: int, error: str, now: datetime) -> None:
    """Record a failed delivery: count the attempt, keep the error, release it still pending."""
    # `now` is in the contract for a later retry back-off; no column records it yet.
    _update(
        session,
        alert_id,
        attempts=Alert.attempts + 1,
        last_error=error,
        claimed_until=None,
    )


def _update(session: Session, alert_id: int, **values: object) -> None:
    statement = update(Alert).where(Alert.id == alert_id).values(**values).returning(Alert.id)
    if session.execute(statement).scalar_one_or_none() is None:
        raise LookupError(f"no alert with id {alert_id}")


@dataclass(frozen=True)
class AlertedStory:
    """A story that made a watchlist owe an alert: what the run report lists."""

    watchlist: str
    title: str
    outlet: str
    url: str
    kind: str  # new or update
    channels: tuple[str, ...]


def stories_alerted_since(session: Session, since: datetime) -> list[AlertedStory]:
    """Stories whose alerts were created since `since`, one per watchlist, story and kind."""
    query = (
        select(Alert.watchlist, Alert.kind, Alert.channel, Article.title, Article.outlet,
               Article.url)
        .join(Article, Article.id == Alert.article_id)
        .where(Alert.created_at >= since)
        .order_by(Alert.created_at, Alert.id)
    )  # fmt: skip
    found: dict[tuple[str, str, str], AlertedStory] = {}
    for watchlist, kind, channel, title, outlet, url in session.execute(query).tuples():
        key = (watchlist, url, kind)
        known = found.get(key)
        channels = (*known.channels, channel) if known else (channel,)
        found[key] = AlertedStory(watchlist, title, outlet, url, kind, channels)
    return list(found.values())


def list_alerts(session: Session, status: str | None = None) -> list[AlertSummary]:
    """Outbox rows with their article URL, newest first, optionally of one status."""
    query = (
        select(Alert, func.coalesce(Article.url, OutletHealth.url, ""))
        .outerjoin(Article, Article.id == Alert.article_id)
        .outerjoin(OutletHealth, OutletHealth.id == Alert.health_event_id)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
    )
    if status is not None:
        query = query.where(Alert.status == status)
    return [
        AlertSummary(
            watchlist=alert.watchlist,
            url=url,
            channel=alert.channel,
            status=alert.status,
            attempts=alert.attempts,
            last_error=alert.last_error,
            sent_at=alert.sent_at,
            created_at=alert.created_at,
            kind=alert.kind,
            digest=alert.digest,
        )
        for alert, url in session.execute(query).tuples()
    ]
