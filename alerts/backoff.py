"""Channel health across runs: back-off after failures, a final dead state, decided purely."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

Verdict = Literal["ready", "backing off", "dead"]

# HTTP answers that will not change by retrying (a removed webhook, a revoked token), and any
# SMTP 5xx reply (RFC 5321: permanent; "550 no such user"), as apprise reports them.
_PERMANENT = re.compile(r"error=(?:401|403|404|410)\b|\(\s*5\d\d\s*,")


@dataclass(frozen=True)
class BackoffRules:
    """How a failing channel is retried, and when it is given up on as dead."""

    first_delay: timedelta = timedelta(minutes=5)  # after the second failure in a row; doubles
    max_delay: timedelta = timedelta(hours=6)
    permanent_weight: int = 4  # strikes a permanent-looking error counts for (others count 1)
    dead_strikes: int = 12  # dead after this many strikes…
    dead_after: timedelta = timedelta(hours=12)  # …spread over at least this long
    # Per run: a channel that never answers cannot hold the run longer than this.
    run_budget: timedelta = timedelta(seconds=60)
    run_failures: int = 2  # consecutive failures in one run that end the channel's turn


@dataclass(frozen=True)
class ChannelHealth:
    """One channel's delivery record: its run of failures, when to retry, dead or not."""

    channel: str
    url_fingerprint: str
    failures: int = 0
    strikes: int = 0
    first_failed_at: datetime | None = None
    retry_at: datetime | None = None
    dead_since: datetime | None = None
    last_error: str | None = None


def fingerprint(url: str) -> str:
    """A digest of a channel URL to notice it changed, without keeping its secrets."""
    return hashlib.sha256(b"newswatch-channel\0" + url.encode()).hexdigest()[:32]


def current(stored: ChannelHealth | None, channel: str, url: str) -> ChannelHealth:
    """The channel's health for this URL: the stored one, or a fresh one if the URL changed."""
    digest = fingerprint(url)
    if stored is None or stored.url_fingerprint != digest:
        return ChannelHealth(channel=channel, url_fingerprint=digest)
    return stored


def verdict(health: ChannelHealth, now: datetime) -> Verdict:
    """Whether the channel may be sent to now."""
    if health.dead_since is not None:
        return "dead"
    if health.retry_at is not None and health.retry_at > now:
        return "backing off"
    return "ready"


def is_permanent(error: str) -> bool:
    """Whether a failure reads as one retrying will not fix (HTTP 401/403/404/410, SMTP 5xx)."""
    return bool(_PERMANENT.search(error))


def after_failure(
    health: ChannelHealth, error: str, now: datetime, rules: BackoffRules,
    retry_after: float | None = None,
) -> ChannelHealth:  # fmt: skip
    """The health after a failed send: from the second failure in a row the next retry is
    backed off exponentially (capped), and never before a receiver's Retry-After; dead after
    enough strikes over at least `dead_after`."""
    failures = health.failures + 1
    strikes = health.strikes + (rules.permanent_weight if is_permanent(error) else 1)
    first = health.first_failed_at or now
    # One failure is a hiccup: the next run retries as always. Back-off starts at the second.
    retry_at = None
    if failures >= 2:
        retry_at = now + min(rules.first_delay * 2 ** min(failures - 2, 30), rules.max_delay)
    if retry_after is not None:
        asked = now + timedelta(seconds=retry_after)
        retry_at = max(retry_at, asked) if retry_at is not None else asked
    dead = strikes >= rules.dead_strikes and now - first >= rules.dead_after
    return replace(
        health, failures=failures, strikes=strikes, first_failed_at=first,
        retry_at=retry_at, dead_since=now if dead else None, last_error=error,
    )  # fmt: skip


def after_success(health: ChannelHealth) -> ChannelHealth:
    """The health after a delivered alert: a clean slate."""
    return ChannelHealth(channel=health.channel, url_fingerprint=health.url_fingerprint)
