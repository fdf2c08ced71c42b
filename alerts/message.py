"""Format one alert as a message: pure, no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class AlertFacts(Protocol):
    """What an alert message is made of (storage.outbox.PendingAlert satisfies it).

    Optional, read when present: `kind` ("new" or "update"), `update_reason` and
    `also_covered_by` (the story's other outlets).
    """

    watchlist: str
    title: str
    outlet: str
    published_at: datetime | None
    url: str
    terms: Sequence[str]
    snippet: str


@dataclass(frozen=True)
class AlertMessage:
    """A channel-neutral message: a title line, a plain-text body and its alert's outbox key."""

    title: str
    body: str
    key: str | None = None  # the outbox idempotency key; None for a message owed to no row

    @property
    def message_id(self) -> str | None:
        """A stable email Message-ID: a re-sent alert repeats it, so mail clients fold the copy."""
        return stable_message_id(self.key) if self.key is not None else None


def stable_message_id(key: str) -> str:
    """The RFC 5322 Message-ID for an idempotency key; the key itself stays out of the mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@newswatch>"


def format_alert(alert: AlertFacts, key: str | None = None) -> AlertMessage:
    """Render the watchlist, headline, outlet, date, URL, matched terms and snippet, keyed;
    an update says what changed, and every other outlet of the story is named."""
    published = (
        alert.published_at.strftime("%Y-%m-%d %H:%M UTC") if alert.published_at else "date unknown"
    )
    terms = ", ".join(alert.terms) or "-"
    # The URL stays the third line: scripts (and tests) read it from there.
    lines = [f"{alert.title}", f"{alert.outlet} · {published}", f"{alert.url}", ""]
    update = getattr(alert, "kind", "new") == "update"
    if update:  # the snippet is then the changed passage
        reason = getattr(alert, "update_reason", None)
        lines += [f"Updated: {reason}" if reason else "Updated", f"“{alert.snippet}”"]
        lines.append(f"Matched: {terms}")
    else:
        lines += [f"Matched: {terms}", f"“{alert.snippet}”"]
    also = tuple(getattr(alert, "also_covered_by", ()))
    if also:
        lines += ["", f"Also covered by: {', '.join(also)}"]
    title = f"[{alert.watchlist}] {'Updated: ' if update else ''}{alert.title}"
    return AlertMessage(title=title, body="\n".join(lines), key=key)
