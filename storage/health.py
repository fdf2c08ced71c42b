"""Outlet health, stored: each outlet's bounded run history, its state changes and the notices
they owe (outbox rows written in the same transaction as the change)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alerts.health import (
    HEALTH_WATCHLIST,
    OK,
    Health,
    Notice,
    RunCounts,
    channel_subject,
    runs_to_keep,
)
from storage.db import dialect_insert
from storage.models import Alert, Article, OutletHealth, OutletRun, health_key

_COUNTS = ("discovered", "fetched", "new", "updated", "failed", "not_article", "blocked",
           "short", "responses", "not_modified")  # fmt: skip


@dataclass(frozen=True)
class HealthState:
    """An outlet's current health: its state, since when, why, and the change that set it."""

    state: str = OK
    since: datetime | None = None  # None: ok since its runs were first recorded
    reason: str = ""
    event_id: int | None = None  # the latest change (None: never changed)


@dataclass(frozen=True)
class OutletOverview:
    """One outlet as `newswatch outlets` lists it."""

    outlet: str
    state: str
    since: datetime | None
    reason: str
    last_new_article_at: datetime | None  # when its latest stored article was first seen
    last_run: dict | None  # its latest run's counts (RunCounts fields), None if never run
    kind: str = "outlet"  # or "channel": an alert channel's health, named "channel NAME"


def record_run(session: Session, outlet: str, run: RunCounts) -> None:
    """Add a run to the outlet's history and drop what the history no longer keeps."""
    counts = {name: getattr(run, name) for name in _COUNTS}
    session.add(OutletRun(outlet=outlet, run_at=run.at, errors=dict(run.errors), **counts))
    session.flush()
    query = select(OutletRun.id, OutletRun.new > 0).where(OutletRun.outlet == outlet)
    runs = session.execute(query.order_by(OutletRun.run_at.desc(), OutletRun.id.desc())).all()
    stale = {run_id for run_id, _ in runs} - runs_to_keep([tuple(r) for r in runs])
    if stale:
        session.execute(delete(OutletRun).where(OutletRun.id.in_(stale)))


def load_history(session: Session, outlets: Iterable[str]) -> dict[str, list[RunCounts]]:
    """Each outlet's kept runs, oldest first."""
    query = (
        select(OutletRun)
        .where(OutletRun.outlet.in_(list(outlets)))
        .order_by(OutletRun.run_at, OutletRun.id)
    )
    history: dict[str, list[RunCounts]] = {}
    for row in session.scalars(query):
        history.setdefault(row.outlet, []).append(_counts(row))
    return history


def current_states(session: Session, outlets: Iterable[str]) -> dict[str, HealthState]:
    """Each outlet's latest state change (outlets that never changed are absent: ok)."""
    latest = (
        select(func.max(OutletHealth.id))
        .where(OutletHealth.outlet.in_(list(outlets)))
        .group_by(OutletHealth.outlet)
    )
    rows = session.scalars(select(OutletHealth).where(OutletHealth.id.in_(latest)))
    return {
        row.outlet: HealthState(row.state, row.changed_at, row.reason, row.id) for row in rows
    }


def record_change(
    session: Session, outlet: str, before: HealthState, health: Health, at: datetime, *,
    notice: Notice | None, channels: Sequence[str], url: str | None,
) -> bool:  # fmt: skip
    """Store a state change and owe its notice on each channel; False if another run already
    stored this very change (then it owes nothing more)."""
    key = f"{outlet}|after:{before.event_id or 0}"
    statement = (
        dialect_insert(session, OutletHealth.__table__)
        .values(key=key, outlet=outlet, state=health.state, previous=before.state,
                reason=health.reason, url=url, changed_at=at)  # fmt: skip
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutletHealth.__table__.c.id)
    )
    event_id = session.execute(statement).scalar_one_or_none()
    if event_id is None:
        return False
    if notice is not None:
        _enqueue(session, event_id, key, notice, channels, at)
    return True


def _enqueue(session: Session, event_id: int, key: str, notice: Notice,
             channels: Sequence[str], at: datetime) -> None:  # fmt: skip
    rows = [
        {"idempotency_key": health_key(key, channel), "watchlist": HEALTH_WATCHLIST,
         "health_event_id": event_id, "channel": channel, "status": "pending", "attempts": 0,
         "matched_terms": [], "snippet": notice.detail, "created_at": at, "kind": "new"}
        for channel in dict.fromkeys(channels)
    ]  # fmt: skip
    if rows:
        insert = dialect_insert(session, Alert.__table__).values(rows)
        session.execute(insert.on_conflict_do_nothing(index_elements=["idempotency_key"]))


def overview(session: Session, outlets: Sequence[str]) -> list[OutletOverview]:
    """Each named outlet's state, since when, its latest new article and its latest run."""
    states = current_states(session, outlets)
    history = load_history(session, outlets)
    newest = dict(
        session.execute(
            select(Article.outlet, func.max(Article.first_seen_at))
            .where(Article.outlet.in_(list(outlets)))
            .group_by(Article.outlet)
        ).tuples().all()
    )
    rows = []
    for name in outlets:
        state, runs = states.get(name, HealthState()), history.get(name, [])
        since = state.since or (runs[0].at if runs else None)
        last = asdict(runs[-1]) if runs else None
        rows.append(OutletOverview(name, state.state, since, state.reason,
                                   newest.get(name), last))  # fmt: skip
    return rows


def channel_overview(session: Session, channels: Sequence[str]) -> list[OutletOverview]:
    """Each named alert channel's health (ok or dead) and since when, as outlets are listed."""
    subjects = [channel_subject(name) for name in channels]
    states = current_states(session, subjects)
    return [
        OutletOverview(subject, state.state, state.since, state.reason, None, None, "channel")
        for subject, state in ((s, states.get(s, HealthState())) for s in subjects)
    ]


def notices_sent_since(session: Session, since: datetime) -> dict[str, int]:
    """Health notices delivered since `since`, by the outlet (or "channel NAME") they are about."""
    query = (
        select(OutletHealth.outlet, func.count())
        .join(Alert, Alert.health_event_id == OutletHealth.id)
        .where(Alert.status == "sent", Alert.sent_at >= since)
        .group_by(OutletHealth.outlet)
    )
    return dict(session.execute(query).tuples().all())


def _counts(row: OutletRun) -> RunCounts:
    return RunCounts(at=row.run_at, errors=dict(row.errors or {}),
                     **{name: getattr(row, name) for name in _COUNTS})  # fmt: skip

