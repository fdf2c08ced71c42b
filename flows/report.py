"""The run summary: per-outlet counts, built from what the run did (pure), rendered for people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OutletReport:
    """One outlet's line in the run summary."""

    outlet: str
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    failed: int = 0
    matched: int = 0  # articles that made a watchlist owe an alert (new or update)
    also_covered: int = 0  # matching copies of a story alerted already: recorded, not sent
    alerts_sent: int = 0
    errors: str = ""


@dataclass(frozen=True)
class RunSummary:
    """What one monitoring cycle did."""

    outlets: tuple[OutletReport, ...]
    alerts_pending: int  # deliveries that failed this run and will be retried
    crawl_error: str | None = None
    failed_outlets: tuple[str, ...] = field(default=())

    def table(self) -> list[dict]:
        """Rows for the Prefect table artifact and `--json` output."""
        return [asdict(row) for row in self.outlets]

    def text(self) -> str:
        """A short human summary for the terminal."""
        totals = Counter()
        for row in self.outlets:
            totals.update({k: v for k, v in asdict(row).items() if isinstance(v, int)})
        lines = [
            f"{len(self.outlets)} outlets: {totals['discovered']} discovered, "
            f"{totals['fetched']} fetched, {totals['new']} new, {totals['updated']} updated, "
            f"{totals['matched']} matched, {totals['also_covered']} also covered, "
            f"{totals['alerts_sent']} alerts sent, "
            f"{self.alerts_pending} alerts pending"
        ]
        if self.crawl_error:
            lines.append(f"crawl failed: {self.crawl_error}")
        lines += [f"outlet failed: {row.outlet}: {row.errors}" for row in self.outlets
                  if row.outlet in self.failed_outlets]
        return "\n".join(lines)


def summarize(
    outlet_names: Iterable[str],
    crawl_stats: Mapping[str, object],
    changes: Mapping[str, Counter],
    sent_by_outlet: Counter,
    backed_off: Mapping[str, datetime] | None = None,
) -> tuple[OutletReport, ...]:
    """Merge crawl stats, storage changes and deliveries into one row per outlet."""
    rows = []
    for name in outlet_names:
        stats = crawl_stats.get(name)
        counts = changes.get(name, Counter())
        errors = dict(getattr(stats, "errors", {}) or {})
        if backed_off and name in backed_off:  # skipped: the outlet asked for a pause
            errors[f"skipped, backing off until {backed_off[name]:%Y-%m-%d %H:%M} UTC"] = 1
        rows.append(
            OutletReport(
                outlet=name,
                discovered=getattr(stats, "discovered", 0),
                fetched=getattr(stats, "fetched", 0),
                new=counts["new"],
                updated=counts["updated"],
                failed=getattr(stats, "failed", 0),
                matched=counts["matched"],
                also_covered=counts["also_covered"],
                alerts_sent=sent_by_outlet[name],
                errors=", ".join(f"{kind}×{n}" for kind, n in sorted(errors.items())),
            )
        )
    return tuple(rows)


def failed_outlets(rows: Iterable[OutletReport]) -> tuple[str, ...]:
    """Outlets that had failures and yielded nothing this run."""
    return tuple(r.outlet for r in rows if r.failed and not r.fetched)
