"""The run lease in storage: take, renew and give back the one-run-at-a-time lease row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import dialect_insert
from storage.models import RunLease

CYCLE = "cycle"  # the monitoring cycle's lease (shard flow runs of a cycle take none)


@dataclass(frozen=True)
class Lease:
    """A lease as stored: the run holding it, who that is, since when and until when."""

    run: int
    owner: str
    acquired_at: datetime
    expires_at: datetime


def take_lease(
    session: Session,
    owner: str,
    now: datetime,
    ttl: timedelta,
    holder_alive: Callable[[str], bool],
    name: str = CYCLE,
) -> tuple[bool, Lease]:
    """Take the lease unless a live holder has it: (True, ours) or (False, the holder's).

    Call it in a write transaction (storage.db.write_engine): the row is locked until commit,
    so of two runs starting together exactly one takes it."""
    # The row is created on first use, as an expired lease nobody holds.
    seed = {"name": name, "run": 0, "owner": "", "acquired_at": now, "expires_at": now}
    session.execute(
        dialect_insert(session, RunLease)
        .values(**seed)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    row = session.scalars(select(RunLease).where(RunLease.name == name).with_for_update()).one()
    if row.expires_at > now and row.owner != owner and holder_alive(row.owner):
        return False, _lease(row)
    row.run += 1
    row.owner, row.acquired_at, row.expires_at = owner, now, now + ttl
    session.flush()
    return True, _lease(row)


def renew_lease(
    session: Session, lease: Lease, now: datetime, ttl: timedelta, name: str = CYCLE
) -> bool:
    """Push the lease's expiry to `now + ttl`; False when it is no longer ours."""
    return _set_expiry(session, lease, now + ttl, name)


def release_lease(session: Session, lease: Lease, now: datetime, name: str = CYCLE) -> bool:
    """Give the lease back (it expires now); False when it was no longer ours."""
    return _set_expiry(session, lease, now, name)


def _set_expiry(session: Session, lease: Lease, expires_at: datetime, name: str) -> bool:
    # RETURNING, not rowcount: psycopg reports -1 for UPDATE counts here.
    statement = (
        update(RunLease)
        .where(RunLease.name == name, RunLease.run == lease.run, RunLease.owner == lease.owner)
        .values(expires_at=expires_at)
        .returning(RunLease.run)
    )
    return session.execute(statement).first() is not None


def _lease(row: RunLease) -> Lease:
    return Lease(row.run, row.owner, row.acquired_at, row.expires_at)
