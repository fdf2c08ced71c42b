"""Which alerts one stored change owes each watchlist: a new alert, an update alert, a note
that its story was alerted already, or nothing (pure; flows.ingest gathers and applies)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from alerts.matcher import Match

# A publish date further ahead than this is a CMS or timezone error, not tomorrow's news.
FUTURE_SLACK = timedelta(days=1)

Action = Literal["new", "update", "also_covered"]


class WatchlistRules(Protocol):
    """What the decision reads of a watchlist (flows.config.Watchlist satisfies it)."""

    name: str
    on_update: str  # "alert" | "ignore"
    max_age_days: float


@dataclass(frozen=True)
class Change:
    """What storing one article did, as the decision needs it."""

    kind: str  # "new" | "updated" | "unchanged"
    material: bool  # an update that changes the story (never true for "new")
    dated: datetime  # the freshness gate's date (gate_date)


@dataclass(frozen=True)
class Owed:
    """One alert a watchlist owes: the action, and the match that made it (None for an
    update alert owed to a story its new text no longer matches)."""

    watchlist: str
    action: Literal["new", "update"]
    hit: Match | None


@dataclass(frozen=True)
class Decision:
    """What a change owes: the alerts to queue, and the watchlists that match a story they
    alerted on already ("also covered")."""

    owed: tuple[Owed, ...]
    also_covered: tuple[str, ...]


def gate_date(published_at: datetime | None, first_seen_at: datetime, now: datetime) -> datetime:
    """The date the freshness gate goes by: the publish date, else when first seen."""
    # A date more than FUTURE_SLACK ahead is treated as unknown: trusted, a mistyped year or
    # a timezone slip would keep an article "fresh" (alerting, clustering) for days or years.
    if published_at is None or published_at > now + FUTURE_SLACK:
        return first_seen_at
    return published_at


def decide(
    kind: str, material: bool, on_update: str, hit: Match | None, alerted: bool, fresh: bool
) -> Action | None:
    """What one watchlist owes one change: "new", "update", "also_covered", or None."""
    if kind == "new":
        if hit is None:
            return None
        if alerted:
            return "also_covered"
        return "new" if fresh else None
    # Cosmetic edits never alert; a material one alerts if the story did, or if it now matches.
    if kind == "updated" and material and on_update == "alert" and fresh:
        return "update" if alerted or hit is not None else None
    return None


def needs_alerted(change: Change, hits: Mapping[str, Match]) -> bool:
    """Whether the decision needs to know which watchlists alerted on the story (a read the
    caller can skip for a change nothing matches and no material edit)."""
    return change.kind != "unchanged" and (bool(hits) or change.material)


def owed_alerts(
    change: Change,
    watchlists: Sequence[WatchlistRules],
    hits: Mapping[str, Match],
    alerted: Collection[str],
    now: datetime,
) -> Decision:
    """Every watchlist's due for one change, in the watchlists' order: each is fresh within
    its `max_age_days` of the change's date; `alerted` names those that alerted on its story."""
    owed, also = [], []
    for watchlist in watchlists:
        hit = hits.get(watchlist.name)
        fresh = now - change.dated <= timedelta(days=watchlist.max_age_days)
        action = decide(change.kind, change.material, watchlist.on_update, hit,
                        watchlist.name in alerted, fresh)  # fmt: skip
        if action == "also_covered":
            also.append(watchlist.name)
        elif action is not None:
            owed.append(Owed(watchlist.name, action, hit))
    return Decision(tuple(owed), tuple(also))
