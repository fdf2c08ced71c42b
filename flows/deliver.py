"""Deliver the outbox: pending alerts claimed in small leased batches, marked sent or failed."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.message import format_alert
from alerts.notify import ChannelError, Delivery, make_notifier, masked, send
from flows.faults import crash_point
from storage.outbox import PendingAlert, claim_pending, mark_failed, mark_sent, pending_channels

log = logging.getLogger(__name__)

# One alert per claim: a sender that dies holds a lease on at most the alert in flight, so the
# next run can deliver everything else at once instead of waiting for leases to expire.
BATCH_SIZE = 1
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent_by_outlet: Counter
    failed: int  # still pending: retried next run


def deliver_pending(
    engine: Engine,
    channels: Mapping[str, str],
    now: Callable[[], datetime],
    *,
    batch_size: int = BATCH_SIZE,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Send each pending alert once per pass; rows leased by a concurrent sender are left to it."""
    sent: Counter = Counter()
    failed = 0
    with Session(engine) as session:
        owed = pending_channels(session)
    for channel in owed:
        deliver = _sender(channels.get(channel), channel)
        channel_sent, channel_failed = _deliver_channel(
            engine, channel, deliver, now, batch_size=batch_size, lease=lease
        )
        sent += channel_sent
        failed += channel_failed
    return DeliveryReport(sent_by_outlet=sent, failed=failed)


def _deliver_channel(
    engine: Engine,
    channel: str,
    deliver: Callable[[PendingAlert], Delivery],
    now: Callable[[], datetime],
    *,
    batch_size: int,
    lease: timedelta,
) -> tuple[Counter, int]:
    """Claim, send and mark one channel's alerts batch by batch; each alert at most once a pass."""
    sent: Counter = Counter()
    failed = 0
    cursor: int | None = None  # ids only grow past it, so a failed alert waits for the next pass
    while True:
        claimed_at = now()
        with Session(engine) as session, session.begin():
            batch = claim_pending(
                session, channel=channel, lease=lease, now=claimed_at, limit=batch_size,
                after_id=cursor,
            )
        if not batch:
            return sent, failed
        for alert in batch:
            if now() >= claimed_at + lease:
                # Our lease ran out: another sender may own the rest now. Re-claim from here.
                break
            cursor = alert.alert_id
            if _deliver_one(engine, alert, deliver, now):
                sent[alert.outlet] += 1
            else:
                failed += 1


def _deliver_one(
    engine: Engine, alert: PendingAlert, deliver: Callable[[PendingAlert], Delivery],
    now: Callable[[], datetime],
) -> bool:
    outcome = deliver(alert)
    # Marked right after each send: a crash re-sends at most the one in flight.
    with Session(engine) as session, session.begin():
        if outcome.ok:
            mark_sent(session, alert.alert_id, now())
        else:
            mark_failed(session, alert.alert_id, outcome.error or "unknown error", now())
    if outcome.ok:
        crash_point("mid_delivery")
    return outcome.ok


def _sender(url: str | None, channel: str) -> Callable[[PendingAlert], Delivery]:
    """A function delivering one alert to this channel, or failing with the reason why not."""
    if url is None:
        reason = f"channel {channel!r} is not configured"
        return lambda alert: Delivery(ok=False, error=reason)
    try:
        notifier = make_notifier(url)
    except ChannelError as exc:
        unusable = str(exc)
        return lambda alert: Delivery(ok=False, error=unusable)

    def deliver(alert: PendingAlert) -> Delivery:
        outcome = send(notifier, format_alert(alert, key=alert.idempotency_key))
        if outcome.ok:
            return outcome
        error = _scrub(outcome.error or "", url)
        log.warning("alert %s to %s failed: %s", alert.alert_id, masked(url), error)
        return Delivery(ok=False, error=error)

    return deliver


def _scrub(error: str, url: str) -> str:
    # Belt and braces: an error text must never carry the channel URL (it holds tokens).
    return error.replace(url, masked(url))
