"""Deliver the outbox: every pending alert, channel by channel, each marked sent or failed."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.message import format_alert
from alerts.notify import ChannelError, Delivery, make_notifier, masked, send
from storage.outbox import PendingAlert, mark_failed, mark_sent, pending_alerts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent_by_outlet: Counter
    failed: int  # still pending: retried next run


def deliver_pending(
    engine: Engine, channels: Mapping[str, str], now: Callable[[], datetime]
) -> DeliveryReport:
    """Send every pending alert; a failure stays pending with its attempt count and error."""
    with Session(engine) as session:
        pending = pending_alerts(session)
    by_channel: dict[str, list[PendingAlert]] = defaultdict(list)
    for alert in pending:
        by_channel[alert.channel].append(alert)
    sent: Counter = Counter()
    failed = 0
    for channel, alerts in by_channel.items():
        deliver = _sender(channels.get(channel), channel)
        for alert in alerts:
            outcome = deliver(alert)
            # Marked right after each send: a crash re-sends at most the one in flight.
            with Session(engine) as session, session.begin():
                if outcome.ok:
                    mark_sent(session, alert.alert_id, now())
                    sent[alert.outlet] += 1
                else:
                    mark_failed(session, alert.alert_id, outcome.error or "unknown error", now())
                    failed += 1
    return DeliveryReport(sent_by_outlet=sent, failed=failed)


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
        outcome = send(notifier, format_alert(alert))
        if outcome.ok:
            return outcome
        error = _scrub(outcome.error or "", url)
        log.warning("alert %s to %s failed: %s", alert.alert_id, masked(url), error)
        return Delivery(ok=False, error=error)

    return deliver


def _scrub(error: str, url: str) -> str:
    # Belt and braces: an error text must never carry the channel URL (it holds tokens).
    return error.replace(url, masked(url))
