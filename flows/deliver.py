"""Deliver the outbox: pending alerts claimed in small leased batches, marked sent or failed,
each channel backed off while it fails and reported dead when it stays failing."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.backoff import (
    BackoffRules,
    ChannelHealth,
    after_failure,
    after_success,
    current,
    verdict,
)  # fmt: skip
from alerts.message import format_alert
from alerts.notify import (
    ChannelError,
    Delivery,
    channel_kind,
    make_notifier,
    masked,
    scrub_secrets,
    send,
)
from storage.channels import load_health, pending_by_channel, save_health
from storage.outbox import PendingAlert, claim_pending, mark_failed, mark_sent, pending_channels

if TYPE_CHECKING:
    from apprise import Apprise

log = logging.getLogger(__name__)

# One alert per claim: a sender that dies holds a lease on at most the alert in flight, so the
# next run can deliver everything else at once instead of waiting for leases to expire.
BATCH_SIZE = 1
LEASE = timedelta(minutes=5)
RULES = BackoffRules()


@dataclass(frozen=True)
class ChannelReport:
    """One channel's part of a delivery pass, and what it still owes afterwards."""

    channel: str
    # ok, failing (retried after retry_at), backing off (not tried), out of time (the run's
    # budget ran out), dead (not tried until its URL changes), not configured, unusable URL
    state: str
    sent: int = 0
    failed: int = 0
    pending: int = 0
    retry_at: datetime | None = None
    error: str | None = None  # the last failure's reason, masked

    def notice(self) -> str | None:
        """One line for the run summary when the channel is not simply fine, else None."""
        if self.state == "ok" and not self.pending:
            return None
        line = f"channel {self.channel}: {self.state}, {self.pending} pending"
        if self.retry_at is not None and self.state in ("failing", "backing off"):
            line += f", next try after {self.retry_at:%Y-%m-%d %H:%M} UTC"
        if self.state == "dead":
            line += " (fix its URL in the config: a changed URL is tried afresh)"
        return line + (f"; last error: {self.error}" if self.error else "")


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent_by_outlet: Counter
    failed: int  # failed sends this pass: those alerts stay pending
    channels: tuple[ChannelReport, ...] = ()

    @property
    def pending(self) -> int:
        """Alerts still owed after this pass, on every channel."""
        return sum(report.pending for report in self.channels)

    def notices(self) -> list[str]:
        """The run-summary lines about channels that failed, wait, are dead or still owe."""
        return [n for n in (r.notice() for r in self.channels) if n]


def deliver_pending(
    engine: Engine,
    channels: Mapping[str, str],
    now: Callable[[], datetime],
    *,
    batch_size: int = BATCH_SIZE,
    lease: timedelta = LEASE,
    rules: BackoffRules = RULES,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Send each pending alert once per pass, skipping channels backing off or dead; rows
    leased by a concurrent sender are left to it. Nothing owed is ever dropped."""
    with Session(engine) as session:
        owed = pending_channels(session)
        stored = load_health(session)
    sent: Counter = Counter()
    reports = []
    for channel in owed:
        turn = _open_turn(engine, channel, channels.get(channel), stored.get(channel), now,
                          rules, clock)  # fmt: skip
        if turn.ready:
            sent += _deliver_channel(engine, channel, turn, now, batch_size, lease)
        reports.append(turn.report())
    with Session(engine) as session:
        pending = pending_by_channel(session)
    reports = [replace(r, pending=pending.get(r.channel, 0)) for r in reports]
    return DeliveryReport(sent_by_outlet=sent, failed=sum(r.failed for r in reports),
                          channels=tuple(reports))  # fmt: skip


class _Turn:
    """One channel's turn in a pass: how to send, its health as sends go, and when to stop."""

    def __init__(
        self, channel: str, deliver: Callable[[PendingAlert], Delivery], state: str,
        health: ChannelHealth | None, rules: BackoffRules, deadline: float,
        clock: Callable[[], float],
    ) -> None:  # fmt: skip
        self.channel, self.deliver, self.state, self.health = channel, deliver, state, health
        self.rules, self.deadline, self.clock = rules, deadline, clock
        self.sent = self.failed = self.failures_in_a_row = 0
        self.ready = state in ("ok", "not configured", "unusable URL")

    def go_on(self) -> bool:
        """Whether to send another alert: not after too many failures in a row or past the
        run's budget for this channel (a receiver that never answers cannot hold the run)."""
        if self.health is None:
            return True  # nothing is sent: each row just records why
        if self.health.dead_since is not None or self.failures_in_a_row >= self.rules.run_failures:
            return False
        if self.clock() >= self.deadline:
            self.state = "out of time"
            return False
        return True

    def settle(self, session: Session, outcome: Delivery, at: datetime) -> None:
        """Count one send and store the channel's health if it changed (same transaction)."""
        self.sent += outcome.ok
        self.failed += not outcome.ok
        self.failures_in_a_row = 0 if outcome.ok else self.failures_in_a_row + 1
        if self.health is None:
            return
        if outcome.ok:
            health = after_success(self.health)
        else:
            health = after_failure(self.health, outcome.error or "", at, self.rules)
        if health != self.health:
            save_health(session, health, at)
            self.health = health

    def report(self) -> ChannelReport:
        """This turn's outcome for the run summary (pending is filled in afterwards)."""
        state, health = self.state, self.health
        if health is not None and health.dead_since is not None:
            state = "dead"
        elif health is not None and state == "ok" and health.failures:
            state = "failing"
        retry = health.retry_at if health is not None else None
        error = health.last_error if health is not None else None
        return ChannelReport(self.channel, state, self.sent, self.failed, retry_at=retry,
                             error=error)  # fmt: skip


def _open_turn(
    engine: Engine, channel: str, url: str | None, stored: ChannelHealth | None,
    now: Callable[[], datetime], rules: BackoffRules, clock: Callable[[], float],
) -> _Turn:  # fmt: skip
    """The channel's turn: its sender and health (a changed URL starts afresh), or why not."""
    deadline = clock() + rules.run_budget.total_seconds()
    if url is None:
        reason = f"channel {channel!r} is not configured"
        fail = lambda alert: Delivery(ok=False, error=reason)  # noqa: E731
        return _Turn(channel, fail, "not configured", None, rules, deadline, clock)
    try:
        notifier = make_notifier(url)
    except ChannelError as exc:
        unusable = str(exc)
        fail = lambda alert: Delivery(ok=False, error=unusable)  # noqa: E731
        return _Turn(channel, fail, "unusable URL", None, rules, deadline, clock)
    health = current(stored, channel, url)
    if stored is not None and health != stored:
        with Session(engine) as session, session.begin():
            save_health(session, health, now())
    ready = verdict(health, now())
    state = "ok" if ready == "ready" else ready
    return _Turn(channel, _sender(notifier, url), state, health, rules, deadline, clock)


def _deliver_channel(
    engine: Engine, channel: str, turn: _Turn, now: Callable[[], datetime], batch_size: int,
    lease: timedelta,
) -> Counter:  # fmt: skip
    """Claim, send and mark one channel's alerts batch by batch; each alert at most once a pass."""
    sent: Counter = Counter()
    cursor: int | None = None  # ids only grow past it, so a failed alert waits for the next pass
    while turn.go_on():
        claimed_at = now()
        with Session(engine) as session, session.begin():
            batch = claim_pending(
                session, channel=channel, lease=lease, now=claimed_at, limit=batch_size,
                after_id=cursor,
            )
        if not batch:
            return sent
        for alert in batch:
            if now() >= claimed_at + lease or not turn.go_on():
                # Our lease ran out (another sender may own the rest now: re-claim from here),
                # or the channel's turn is over; what stays claimed is free once the lease ends.
                break
            cursor = alert.alert_id
            if _deliver_one(engine, alert, turn, now):
                sent[alert.outlet] += 1
    return sent


def _deliver_one(engine: Engine, alert: PendingAlert, turn: _Turn,
                 now: Callable[[], datetime]) -> bool:  # fmt: skip
    outcome = turn.deliver(alert)
    # Marked right after each send: a crash re-sends at most the one in flight.
    with Session(engine) as session, session.begin():
        at = now()
        if outcome.ok:
            mark_sent(session, alert.alert_id, at)
        else:
            mark_failed(session, alert.alert_id, outcome.error or "unknown error", at)
        turn.settle(session, outcome, at)
    return outcome.ok


def _sender(notifier: Apprise, url: str) -> Callable[[PendingAlert], Delivery]:
    """A function delivering one alert to this channel in the form its kind reads best."""
    kind = channel_kind(notifier)

    def deliver(alert: PendingAlert) -> Delivery:
        message = format_alert(alert, key=alert.idempotency_key, kind=kind)
        outcome = send(notifier, message)
        if outcome.ok:
            return outcome
        error = scrub_secrets(outcome.error or "", url)
        log.warning("alert %s to %s failed: %s", alert.alert_id, masked(url), error)
        return Delivery(ok=False, error=error)

    return deliver

