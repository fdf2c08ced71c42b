"""Outbox queries for digests and the hourly cap: route rows into a digest, count what was
sent alone, mark a digest's rows sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from alerts.route import NEXT, NOW, SENT, Owed
from storage.models import Alert

PENDING = "pending"


def owed_alone(session: Session, channel: str) -> list[Owed]:
    """The channel's pending alerts as routing sees them, oldest first."""
    query = (
        select(Alert.id, Alert.watchlist, Alert.created_at, Alert.digest)
        .where(Alert.channel == channel, Alert.status == PENDING)
        .order_by(Alert.created_at, Alert.id)
    )
    return [Owed(*row) for row in session.execute(query).tuples()]


def sent_alone_since(session: Session, channel: str, since: datetime) -> int:
    """How many messages the channel was sent alone (not in a digest) since `since`."""
    query = select(func.count()).where(
        Alert.channel == channel,
        Alert.status == "sent",
        Alert.sent_at >= since,
        Alert.sent_as.is_distinct_from("digest"),  # rows sent before digests existed: alone
    )
    return int(session.scalar(query) or 0)


def move_to_digest(session: Session, routes: Mapping[int, str]) -> None:
    """Owe these pending alerts in a digest (NEXT or NOW) instead of alone."""
    for target in (NEXT, NOW):
        ids = [alert_id for alert_id, where in routes.items() if where == target]
        if ids:
            session.execute(
                update(Alert)
                .where(Alert.id.in_(ids), Alert.status == PENDING, Alert.digest.is_(None))
                .values(digest=target)
            )


def digest_owed(session: Session, channel: str) -> tuple[datetime | None, bool]:
    """When the oldest alert owed in the channel's next digest was created, and whether any is
    owed in a digest at the end of this run."""
    query = (
        select(Alert.digest, func.min(Alert.created_at))
        .where(Alert.channel == channel, Alert.digest.in_((NEXT, NOW)))
        .group_by(Alert.digest)
    )
    oldest = dict(session.execute(query).tuples().all())
    return oldest.get(NEXT), NOW in oldest


def mark_digest_sent(session: Session, alert_ids: Sequence[int], now: datetime) -> None:
    """Record a digest delivered: its rows owed alone are sent (as a digest), every row's
    digest is sent and its lease released; none is owed again."""
    session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids), Alert.status == PENDING)
        .values(status="sent", sent_at=now, sent_as="digest", attempts=Alert.attempts + 1)
    )
    session.execute(
        update(Alert).where(Alert.id.in_(alert_ids)).values(digest=SENT, claimed_until=None)
    )


def mark_digest_failed(session: Session, alert_ids: Sequence[int], error: str) -> None:
    """Record a failed digest: each row counts an attempt, keeps the error, stays owed."""
    session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids))
        .values(attempts=Alert.attempts + 1, last_error=error, claimed_until=None)
    )
