"""The facts of one alert as the outbox hands them to formatting: shared by the alert tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Facts:
    """A pending alert's fields that alerts.message formats."""

    watchlist: str = "us-russia-syria"
    title: str = "Trump open to working with Moscow"
    outlet: str = "The Independent"
    published_at: datetime | None = datetime(2017, 1, 24, 10, 15, tzinfo=UTC)
    url: str = "https://www.independent.co.uk/news/world/trump-moscow.html"
    terms: tuple[str, ...] = ("Russia", "Syria")
    snippet: str = "…joint air strikes in Syria…"
    kind: str = "new"
    update_reason: str | None = None
    also_covered_by: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    highlights: tuple[tuple[int, int], ...] = ()
