"""The alert kinds and outbox keys, defined once: what makes an alert owed at most once."""

from __future__ import annotations

from typing import Literal

AlertKind = Literal["new", "update"]
NEW: AlertKind = "new"
UPDATE: AlertKind = "update"
KINDS: tuple[AlertKind, ...] = (NEW, UPDATE)


def idempotency_key(watchlist: str, article_id: int, channel: str) -> str:
    """The pre-story outbox key: one alert per watchlist, article and channel, ever."""
    return f"{watchlist}|{article_id}|{channel}"


def story_key(watchlist: str, story_id: int, channel: str, kind: str = NEW) -> str:
    """The outbox key: one new and at most one update alert per watchlist, story and channel."""
    key = f"{watchlist}|story:{story_id}|{channel}"
    return key + "|update" if kind == UPDATE else key


def health_key(event_key: str, channel: str) -> str:
    """The outbox key of a health notice: one per outlet state change and channel, ever."""
    return f"outlet health|{event_key}|{channel}"
