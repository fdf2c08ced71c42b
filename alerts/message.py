"""Format one alert as a message: pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class AlertFacts(Protocol):
    """What an alert message is made of (storage.outbox.PendingAlert satisfies it)."""

    watchlist: str
    title: str
    outlet: str
    published_at: datetime | None
    url: str
    terms: Sequence[str]
    snippet: str


@dataclass(frozen=True)
class AlertMessage:
    """A channel-neutral message: a title line and a plain-text body."""

    title: str
    body: str


def format_alert(alert: AlertFacts) -> AlertMessage:
    """Render the watchlist, headline, outlet, date, URL, matched terms and snippet."""
    published = (
        alert.published_at.strftime("%Y-%m-%d %H:%M UTC") if alert.published_at else "date unknown"
    )
    terms = ", ".join(alert.terms) or "-"
    body = "\n".join(
        [
            f"{alert.title}",
            f"{alert.outlet} · {published}",
            f"{alert.url}",
            "",
            f"Matched: {terms}",
            f"“{alert.snippet}”",
        ]
    )
    return AlertMessage(title=f"[{alert.watchlist}] {alert.title}", body=body)
