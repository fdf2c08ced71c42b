"""Deliver the outbox (the loop; flows.deliver composes it): per channel, route what is owed
(alone within the hourly cap, the rest in a digest), send it paced, mark each row sent or
failed, back off a failing channel, wait out a Retry-After and report a dead one."""

from __future__ import annotations

import logging
import time as clock_time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.backoff import BackoffRules, ChannelHealth, current, verdict
from alerts.digest import digest_key, format_digest
from alerts.health import HEALTH_WATCHLIST
from alerts.message import Templates, format_alert
from alerts.notify import ChannelError, Delivery, make_notifier
from alerts.route import (
    HOUR,
    ChannelPolicy,
    DeliveryPolicy,
    digest_after_alone,
    digest_due,
    next_slot,
    route,
)  # fmt: skip
from alerts.turn import ChannelReport, Turn, sender
from storage.channels import load_health, pending_by_channel, save_health
from storage.db import write_engine
from storage.digests import (
    digest_owed,
    mark_digest_failed,
    mark_digest_sent,
    move_to_digest,
    owed_alone,
    sent_alone_since,
)  # fmt: skip
from storage.outbox import PendingAlert, claim_pending, mark_failed, mark_sent, pending_channels

log = logging.getLogger(__name__)

# One alert per claim: a sender that dies holds a lease on at most the alert in flight, so the
# next run can deliver everything else at once instead of waiting for leases to expire.
BATCH_SIZE = 1
LEASE = timedelta(minutes=5)
RULES = BackoffRules()
POLICY = DeliveryPolicy(always_alone=frozenset({HEALTH_WATCHLIST}))


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
    policy: DeliveryPolicy = POLICY,
    batch_size: int = BATCH_SIZE,
    lease: timedelta = LEASE,
    rules: BackoffRules = RULES,
    clock: Callable[[], float] = clock_time.monotonic,
    sleep: Callable[[float], None] = clock_time.sleep,
    after_send: Callable[[], None] = lambda: None,
) -> DeliveryReport:
    """Send what each channel owes once per pass, skipping channels backing off or dead; rows
    leased by a concurrent sender are left to it. Nothing owed is ever dropped. `after_send`
    runs after each message is marked sent (the flow's crash point for fault tests)."""
    with Session(engine) as session:
        owed = pending_channels(session)
        stored = load_health(session)
    sent: Counter = Counter()
    reports = []
    for channel in owed:
        rules_here = policy.for_channel(channel)
        turn = _open_turn(engine, channel, channels.get(channel), stored.get(channel), now,
                          rules, rules_here, clock, sleep)  # fmt: skip
        turn.after_send = after_send
        if turn.ready:
            sent += _deliver_channel(engine, turn, policy, now, batch_size, lease)
        reports.append(turn.report())
    with Session(engine) as session:
        pending = pending_by_channel(session)
        waiting = {r.channel: digest_owed(session, r.channel)[0] for r in reports}
    reports = [
        replace(r, pending=pending.get(r.channel, 0),
                next_digest=_next_digest(policy.for_channel(r.channel), waiting[r.channel], now))
        for r in reports
    ]  # fmt: skip
    for report in reports:
        if report.died:  # the operator's notice is the health step's (durable, with recovery)
            log.error(report.notice())
    return DeliveryReport(sent_by_outlet=sent, failed=sum(r.failed for r in reports),
                          channels=tuple(reports))  # fmt: skip


def _next_digest(policy: ChannelPolicy, oldest: datetime | None,
                 now: Callable[[], datetime]) -> datetime | None:  # fmt: skip
    return next_slot(policy, now()) if oldest is not None else None


def _open_turn(
    engine: Engine, channel: str, url: str | None, stored: ChannelHealth | None,
    now: Callable[[], datetime], rules: BackoffRules, policy: ChannelPolicy,
    clock: Callable[[], float], sleep: Callable[[float], None],
) -> Turn:  # fmt: skip
    """The channel's turn: its sender and health (a changed URL starts afresh), or why not."""
    deadline = clock() + rules.run_budget.total_seconds()
    pace = (policy.interval, clock, sleep)
    if url is None:
        reason = f"channel {channel!r} is not configured"
        fail = lambda message: Delivery(ok=False, error=reason)  # noqa: E731
        return Turn(channel, fail, "plain", "not configured", None, rules, deadline, pace)
    try:
        notifier = make_notifier(url)
    except ChannelError as exc:
        unusable = str(exc)
        fail = lambda message: Delivery(ok=False, error=unusable)  # noqa: E731
        return Turn(channel, fail, "plain", "unusable URL", None, rules, deadline, pace)
    health = current(stored, channel, url)
    if stored is not None and health != stored:
        with Session(engine) as session, session.begin():
            save_health(session, health, now())
    ready = verdict(health, now())
    state = "ok" if ready == "ready" else ready
    send, kind = sender(notifier, url)
    return Turn(channel, send, kind, state, health, rules, deadline, pace)


def _deliver_channel(
    engine: Engine, turn: Turn, policy: DeliveryPolicy, now: Callable[[], datetime],
    batch_size: int, lease: timedelta,
) -> Counter:  # fmt: skip
    """Route the channel's owed alerts, send those going alone, then its digest if due."""
    channel, rules = turn.channel, policy.for_channel(turn.channel)
    alone = None  # a channel nothing can reach keeps each row's reason: no routing
    if turn.health is not None:
        # Reads, then writes: on SQLite it takes the write lock at BEGIN (write_engine).
        with Session(write_engine(engine)) as session, session.begin():
            at = now()
            routes = route(owed_alone(session, channel), lambda w: policy.mode(w, channel),
                           rules, sent_alone_since(session, channel, at - HOUR), at,
                           policy.always_alone)  # fmt: skip
            move_to_digest(session, routes.to_digest)
        alone = len(routes.alone)
    sent = _deliver_alone(engine, turn, policy, now, batch_size, lease, alone)
    if turn.health is not None and turn.go_on():
        sent += _deliver_digest(engine, turn, rules, now, lease, policy.templates)
    return sent


def _deliver_alone(
    engine: Engine, turn: Turn, policy: DeliveryPolicy, now: Callable[[], datetime],
    batch_size: int, lease: timedelta, limit: int | None,
) -> Counter:  # fmt: skip
    """Claim, send and mark alerts going alone batch by batch, at most `limit` (the cap's
    room); each alert at most once a pass."""
    sent: Counter = Counter()
    cursor: int | None = None  # ids only grow past it, so a failed alert waits for the next pass
    tried = 0
    while turn.go_on() and (limit is None or tried < limit):
        claimed_at = now()
        with Session(engine) as session, session.begin():
            batch = claim_pending(
                session, channel=turn.channel, lease=lease, now=claimed_at,
                limit=batch_size if limit is None else min(batch_size, limit - tried),
                after_id=cursor,
            )  # fmt: skip
        if not batch:
            return sent
        for alert in batch:
            if now() >= claimed_at + lease:
                break  # our lease ran out (another sender may own the rest): re-claim from here
            if not turn.go_on() or not turn.pace():
                return sent  # the turn is over; what stays claimed is free once the lease ends
            cursor = alert.alert_id
            tried += 1
            after = digest_after_alone(policy.mode(alert.watchlist, turn.channel))
            if _deliver_one(engine, alert, turn, now, after, policy.templates):
                sent[alert.outlet] += 1
    return sent


def _deliver_one(engine: Engine, alert: PendingAlert, turn: Turn, now: Callable[[], datetime],
                 digest: str | None, templates: Templates) -> bool:  # fmt: skip
    message = format_alert(alert, key=alert.idempotency_key, kind=turn.kind, templates=templates)
    outcome = turn.send(message)
    # Marked right after each send: a crash re-sends at most the one in flight.
    with Session(engine) as session, session.begin():
        at = now()
        if outcome.ok:
            mark_sent(session, alert.alert_id, at, digest=digest)
        else:
            mark_failed(session, alert.alert_id, outcome.error or "unknown error", at)
        turn.settle(session, outcome, at)
    if outcome.ok:
        turn.after_send()
    return outcome.ok


def _deliver_digest(engine: Engine, turn: Turn, policy: ChannelPolicy,
                    now: Callable[[], datetime], lease: timedelta,
                    templates: Templates) -> Counter:  # fmt: skip
    """Send the channel's digest if it is due: one message (a Slack post of up to 49 sections;
    only a bigger digest takes another), its rows marked sent right after it (a crash
    re-sends at most that message)."""
    sent: Counter = Counter()
    with Session(engine) as session:
        oldest_next, any_now = digest_owed(session, turn.channel)
    claimed_at = now()
    if not digest_due(policy, oldest_next, any_now, claimed_at):
        return sent
    with Session(engine) as session, session.begin():
        rows = claim_pending(session, channel=turn.channel, lease=lease, now=claimed_at,
                             in_digest=True)  # fmt: skip
    # Labelled a catch-up when it goes now because alerts owed alone came too late.
    catch_up = any_now and any(r.created_at and claimed_at - r.created_at > policy.catch_up_after
                               for r in rows)  # fmt: skip
    for part, message in format_digest(rows, turn.kind, catch_up=catch_up, templates=templates):
        if now() >= claimed_at + lease or not turn.go_on() or not turn.pace():
            break  # the rest stays owed: its lease runs out before the next run
        keys = [alert.idempotency_key for alert in part]
        # The same stories give the same key, so a re-sent email repeats its Message-ID.
        key = keys[0] if len(part) == 1 else digest_key(keys)
        ids = [alert.alert_id for alert in part]
        outcome = turn.send(replace(message, key=key))
        _settle_digest(engine, turn, ids, outcome, now)
        if outcome.ok:
            sent.update(alert.outlet for alert in part if not alert.sent_alone)
            turn.after_send()
    return sent


def _settle_digest(engine: Engine, turn: Turn, ids: list[int], outcome: Delivery,
                   now: Callable[[], datetime]) -> None:  # fmt: skip
    """Mark a digest's rows (and the channel's health) in one transaction, the moment its
    send returns: a crash before this commit is the one window that re-sends it."""
    with Session(engine) as session, session.begin():
        at = now()
        if outcome.ok:
            mark_digest_sent(session, ids, at)
        else:
            mark_digest_failed(session, ids, outcome.error or "unknown error")
        turn.settle(session, outcome, at, stories=len(ids))
