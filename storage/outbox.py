"""The alert outbox: alerts owed, written with their article, delivered and marked later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import Alert, Article, idempotency_key

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
    published_at: datetime | None


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


def enqueue_alerts(
    session: Session,
    *,
    article_id: int,
    watchlist: str,
    channels: Sequence[str],
    terms: Sequence[str],
    snippet: str,
    now: datetime,
) -> int:
    """Owe one alert per channel unless already owed or sent; returns how many were added."""
    rows = [
        {
            "idempotency_key": idempotency_key(watchlist, article_id, channel),
            "watchlist": watchlist,
            "article_id": article_id,
            "channel": channel,
            "status": PENDING,
            "attempts": 0,
            "matched_terms": list(terms),
            "snippet": snippet,
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


def has_alerted(session: Session, article_id: int, watchlist: str) -> bool:
    """Whether any alert (pending or sent, on any channel) exists for this article and watchlist."""
    query = select(exists().where(Alert.article_id == article_id, Alert.watchlist == watchlist))
    return bool(session.scalar(query))


def pending_alerts(session: Session, limit: int | None = None) -> list[PendingAlert]:
    """Alerts still owed, oldest first, joined with their article."""
    query = (
        select(Alert, Article)
        .join(Article, Article.id == Alert.article_id)
        .where(Alert.status == PENDING)
        .order_by(Alert.created_at, Alert.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        PendingAlert(
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
            published_at=article.published_at,
        )
        for alert, article in session.execute(query).tuples()
    ]


def mark_sent(session: Session, alert_id: int, now: datetime) -> None:
    """Record a successful delivery: the alert is sent and never owed again."""
    _update(
        session,
        alert_id,
        status=SENT,
        sent_at=now,
        attempts=Alert.attempts + 1,
        claimed_until=None,
    )


def mark_failed(session: Session, alert_id: int, error: str, now: datetime) -> None:
    """Record a failed delivery: count the attempt, keep the error, leave the alert pending."""
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


def list_alerts(session: Session, status: str | None = None) -> list[AlertSummary]:
    """Outbox rows with their article URL, newest first, optionally of one status."""
    query = (
        select(Alert, Article.url)
        .join(Article, Article.id == Alert.article_id)
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
        )
        for alert, url in session.execute(query).tuples()
    ]
