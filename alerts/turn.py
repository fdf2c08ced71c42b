"""One channel's turn in a delivery pass: its sender, its pace, its health as sends go, and
when to stop (too many failures, a Retry-After, the run's budget)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from alerts.backoff import BackoffRules, ChannelHealth, after_failure, after_success
from alerts.message import AlertMessage, Kind
from alerts.notify import Delivery, channel_kind, masked, scrub_secrets, send
from storage.channels import save_health

if TYPE_CHECKING:
    from apprise import Apprise

log = logging.getLogger(__name__)

# (seconds between two messages, a monotonic clock, a sleep): injected so tests run at once.
Pace = tuple[float, Callable[[], float], Callable[[float], None]]


@dataclass(frozen=True)
class ChannelReport:
    """One channel's part of a delivery pass, and what it still owes afterwards."""

    channel: str
    # ok, failing (retried after retry_at), backing off (not tried), rate limited (the
    # receiver's Retry-After), out of time (the run's budget ran out), dead (not tried until
    # its URL changes), not configured, unusable URL
    state: str
    sent: int = 0  # messages: one per alert sent alone, one per digest part
    failed: int = 0
    pending: int = 0
    retry_at: datetime | None = None
    error: str | None = None  # the last failure's reason, masked
    digested: int = 0  # stories sent in digests this pass
    next_digest: datetime | None = None  # when what waits for a digest goes, if it waits
    died: bool = False  # turned dead in this pass

    def notice(self) -> str | None:
        """One line for the run summary when the channel is not simply fine, else None."""
        if self.state == "ok" and not self.pending:
            return None
        line = f"channel {self.channel}: {self.state}, {self.pending} pending"
        if self.retry_at is not None and self.state in ("failing", "backing off",
                                                        "rate limited"):  # fmt: skip
            line += f", next try after {self.retry_at:%Y-%m-%d %H:%M} UTC"
        if self.next_digest is not None and self.state == "ok":
            line += f" (in the digest at {self.next_digest:%Y-%m-%d %H:%M} UTC)"
        if self.state == "dead":
            line += " (fix its URL in the config: a changed URL is tried afresh)"
            if self.died:
                line = line.replace(": dead,", ": now dead,", 1)
        return line + (f"; last error: {self.error}" if self.error else "")


class Turn:
    """One channel's turn in a pass: how to send, its health as sends go, and when to stop."""

    def __init__(
        self, channel: str, send: Callable[[AlertMessage], Delivery], kind: Kind, state: str,
        health: ChannelHealth | None, rules: BackoffRules, deadline: float, pace: Pace,
    ) -> None:  # fmt: skip
        self.channel, self.send, self.kind, self.state = channel, send, kind, state
        self.health, self.rules, self.deadline = health, rules, deadline
        self.interval, self.clock, self.sleep = pace
        self.sent = self.failed = self.failures_in_a_row = self.digested = 0
        self.last_sent: float | None = None
        self.died = False  # turned dead in this turn: the operator is told once
        self.after_send: Callable[[], None] = lambda: None
        self.ready = state in ("ok", "not configured", "unusable URL")

    def go_on(self) -> bool:
        """Whether to send another message: not after too many failures in a row, a
        Retry-After, or past the run's budget for this channel (a receiver that never answers
        cannot hold the run)."""
        if self.health is None:
            return True  # nothing is sent: each row just records why
        if self.health.dead_since is not None or self.state == "rate limited":
            return False
        if self.failures_in_a_row >= self.rules.run_failures:
            return False
        if self.clock() >= self.deadline:
            self.state = "out of time"
            return False
        return True

    def pace(self) -> bool:
        """Wait until the channel may be sent the next message; False (out of time) if that
        would pass the run's budget for it."""
        if self.health is None or self.last_sent is None or not self.interval:
            self.last_sent = self.clock()
            return True
        wait = self.last_sent + self.interval - self.clock()
        if wait > 0:
            if self.clock() + wait >= self.deadline:
                self.state = "out of time"
                return False
            self.sleep(wait)
        self.last_sent = self.clock()
        return True

    def settle(self, session: Session, outcome: Delivery, at: datetime, stories: int = 0) -> None:
        """Count one message and store the channel's health if it changed (same transaction);
        a Retry-After ends the turn and is kept as the time not to send before."""
        self.sent += outcome.ok
        self.failed += not outcome.ok
        self.digested += stories if outcome.ok else 0
        self.failures_in_a_row = 0 if outcome.ok else self.failures_in_a_row + 1
        if self.health is None:
            return
        if outcome.ok:
            health = after_success(self.health)
        else:
            health = after_failure(self.health, outcome.error or "", at, self.rules,
                                   retry_after=outcome.retry_after)  # fmt: skip
            if outcome.retry_after is not None:
                self.state = "rate limited"
        if health != self.health:
            self.died = self.died or (health.dead_since is not None
                                      and self.health.dead_since is None)  # fmt: skip
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
                             error=error, digested=self.digested, died=self.died)  # fmt: skip


def sender(notifier: Apprise, url: str) -> tuple[Callable[[AlertMessage], Delivery], Kind]:
    """A function sending one message to this channel (errors masked), and the channel's kind."""

    def deliver(message: AlertMessage) -> Delivery:
        outcome = send(notifier, message)
        if outcome.ok:
            return outcome
        error = scrub_secrets(outcome.error or "", url)
        log.warning("message %s to %s failed: %s", message.key, masked(url), error)
        return Delivery(ok=False, error=error, retry_after=outcome.retry_after)

    return deliver, channel_kind(notifier)
