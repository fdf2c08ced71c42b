"""Which owed alerts go out alone and which wait for a digest, and when a digest is due (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Mode = Literal["immediate", "digest", "both"]
IMMEDIATE: Mode = "immediate"
DIGEST: Mode = "digest"
BOTH: Mode = "both"
# alerts.digest values: owed in the next scheduled digest, in one at the end of this run, sent.
NEXT, NOW, SENT = "next", "now", "sent"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ChannelPolicy:
    """How much one channel is sent: its hourly cap, its pace, its digest times, catch-up."""

    per_hour: int = 20  # messages sent alone per rolling hour; the overflow goes in a digest
    per_second: float = 1.0  # at most this many messages a second; 0: unpaced
    digest_times: tuple[time, ...] = ()  # local times; none: a digest at the end of each run
    timezone: str = "UTC"
    # An alert owed alone for longer (an outage, a long back-off) goes in one catch-up digest.
    catch_up_after: timedelta = timedelta(hours=2)

    @property
    def interval(self) -> float:
        """Seconds between two messages to the channel."""
        return 1 / self.per_second if self.per_second > 0 else 0.0


@dataclass(frozen=True)
class DeliveryPolicy:
    """Every channel's policy (a default for unnamed ones) and each watchlist's mode per
    channel; the defaults protect a channel with no configuration at all."""

    default: ChannelPolicy = ChannelPolicy()
    channels: dict[str, ChannelPolicy] = field(default_factory=dict)
    modes: dict[tuple[str, str], Mode] = field(default_factory=dict)  # (watchlist, channel)
    always_alone: frozenset[str] = frozenset()  # watchlists never capped nor digested
    templates: tuple[tuple[str, str], ...] = ()  # (bundled name, the user's file) to use instead

    def for_channel(self, channel: str) -> ChannelPolicy:
        """The channel's own policy, or the default."""
        return self.channels.get(channel, self.default)

    def mode(self, watchlist: str, channel: str) -> Mode:
        """How the watchlist's alerts reach the channel (immediate unless configured)."""
        return self.modes.get((watchlist, channel), IMMEDIATE)


@dataclass(frozen=True)
class Owed:
    """A pending alert as routing sees it."""

    alert_id: int
    watchlist: str
    created_at: datetime
    digest: str | None  # already routed to a digest (NEXT or NOW), else None


@dataclass(frozen=True)
class Routes:
    """The routing of a channel's owed alerts: those to send alone now (in order, within the
    cap), and those moved into a digest (id -> NEXT or NOW)."""

    alone: tuple[int, ...] = ()
    to_digest: dict[int, str] = field(default_factory=dict)


def route(
    owed: Sequence[Owed], mode: Callable[[str], Mode], policy: ChannelPolicy,
    sent_last_hour: int, now: datetime, always_alone: frozenset[str] = frozenset(),
) -> Routes:  # fmt: skip
    """Oldest first: an alert owed alone past `catch_up_after` joins a catch-up digest now; a
    digest-mode one waits for the digest; the others go alone while the hourly cap has room,
    the overflow into the next digest (at the end of the run if no digest times are set)."""
    later = NEXT if policy.digest_times else NOW
    room = max(policy.per_hour - sent_last_hour, 0)
    alone: list[int] = []
    to_digest: dict[int, str] = {}
    for row in sorted(owed, key=lambda r: (r.created_at, r.alert_id)):
        if row.digest is not None:
            continue  # already owed in a digest: it stays there
        if row.watchlist in always_alone:
            alone.append(row.alert_id)
        elif now - row.created_at > policy.catch_up_after:
            to_digest[row.alert_id] = NOW
        elif mode(row.watchlist) == DIGEST:
            to_digest[row.alert_id] = later
        elif room > 0:
            alone.append(row.alert_id)
            room -= 1
        else:
            to_digest[row.alert_id] = later
    return Routes(tuple(alone), to_digest)


def digest_after_alone(mode: Mode) -> str | None:
    """What a row sent alone still owes: a place in the next digest in `both` mode."""
    return NEXT if mode == BOTH else None


def digest_due(
    policy: ChannelPolicy, oldest_next: datetime | None, any_now: bool, now: datetime
) -> bool:
    """Whether the channel's digest goes out now: something owed at the end of the run, or
    something owed since before the latest digest time passed (none set: at once)."""
    if any_now:
        return True
    if oldest_next is None:
        return False
    if not policy.digest_times:
        return True
    slot = last_slot(policy, now)
    return slot is not None and oldest_next <= slot


def last_slot(policy: ChannelPolicy, now: datetime) -> datetime | None:
    """The latest digest time at or before `now`, in UTC (None without digest times)."""
    zone = ZoneInfo(policy.timezone)
    today = now.astimezone(zone).date()
    slots = [
        datetime.combine(today - timedelta(days=back), at, tzinfo=zone)
        for back in (0, 1, 2)
        for at in policy.digest_times
    ]
    past = [slot for slot in slots if slot <= now]
    return max(past).astimezone(now.tzinfo) if past else None


def next_slot(policy: ChannelPolicy, now: datetime) -> datetime | None:
    """The first digest time after `now` (None without digest times)."""
    zone = ZoneInfo(policy.timezone)
    today = now.astimezone(zone).date()
    slots = [
        datetime.combine(today + timedelta(days=ahead), at, tzinfo=zone)
        for ahead in (0, 1, 2)
        for at in policy.digest_times
    ]
    future = [slot for slot in slots if slot > now]
    return min(future).astimezone(now.tzinfo) if future else None
