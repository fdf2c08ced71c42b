"""Channel delivery state, stored: load every channel's health, save one, count what is owed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
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
