"""Channel delivery state, stored: load every channel's health, save one, count what is owed,
put a channel's failed alerts back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from alerts.backoff import ChannelHealth
from storage.db import dialect_insert
from storage.models import Alert, ChannelState

_FIELDS = ("url_fingerprint", "failures", "strikes", "first_failed_at", "retry_at",
           "dead_since", "last_error")  # fmt: skip


def load_health(session: Session) -> dict[str, ChannelHealth]:
    """Every channel's stored health, by channel name."""
    return {
        row.channel: ChannelHealth(channel=row.channel, **{f: getattr(row, f) for f in _FIELDS})
        for row in session.scalars(select(ChannelState))
    }


def save_health(session: Session, health: ChannelHealth, now: datetime) -> None:
    """Store a channel's health (insert or replace)."""
    values = {f: getattr(health, f) for f in _FIELDS} | {"updated_at": now}
    statement = dialect_insert(session, ChannelState.__table__).values(
        channel=health.channel, **values
    )
    session.execute(statement.on_conflict_do_update(index_elements=["channel"], set_=values))


def pending_by_channel(session: Session) -> dict[str, int]:
    """How many alerts each channel still owes."""
    query = (
        select(Alert.channel, func.count())
        .where(Alert.status == "pending")
        .group_by(Alert.channel)
    )
    return dict(session.execute(query).tuples().all())


def forget_health(session: Session, channel: str | None = None) -> list[str]:
    """Clear the stored health (back-off, dead) of one channel or all; the names cleared."""
    query = select(ChannelState.channel)
    if channel is not None:
        query = query.where(ChannelState.channel == channel)
    names = list(session.scalars(query))
    if names:
        session.execute(delete(ChannelState).where(ChannelState.channel.in_(names)))
    return names


def requeue_failed(session: Session, channel: str | None = None) -> int:
    """Put failed alerts back in the queue (their error cleared, their lease released, their
    attempts kept as history); how many. Sent alerts are never touched."""
    query = (
        update(Alert)
        .where(Alert.status == "pending", Alert.last_error.is_not(None))
        .values(last_error=None, claimed_until=None)
        .returning(Alert.id)
    )
    if channel is not None:
        query = query.where(Alert.channel == channel)
    return len(session.execute(query).all())
