"""What a watchlist would have alerted on stored articles (pure): alerts per day, the stories
hit and a sample with the matched words highlighted. It decides nothing is sent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from alerts.matcher import Match

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class StoredArticle:
    """The stored fields a backtest looks at and reports."""

    id: int
    story_id: int | None
    url: str
    outlet: str
    title: str
    day: date  # publish day, else the day first seen


@dataclass
class Backtest:
    """Accumulates matches in date order: one alert per story, as the pipeline sends them."""

    watchlist: str
    days: int
    scanned: int = 0
    ruled_out: int = 0  # of those scanned, articles the full-text index showed cannot match
    matched_articles: int = 0
    per_day: Counter[date] = field(default_factory=Counter)
    stories: dict[int, StoredArticle] = field(default_factory=dict)
    sample: list[tuple[StoredArticle, Match]] = field(default_factory=list)

    def add(self, article: StoredArticle, hit: Match | None) -> None:
        """Count one scanned article and, if it matched, the alert its story would have owed."""
        self.scanned += 1
        if hit is None:
            return
        self.matched_articles += 1
        story = article.story_id if article.story_id is not None else article.id
        if story in self.stories:
            return  # a copy of a story already alerted: no second alert
        self.stories[story] = article
        self.per_day[article.day] += 1
        if len(self.sample) < SAMPLE_SIZE:
            self.sample.append((article, hit))

    def rule_out(self, count: int) -> None:
        """Count `count` scanned articles that cannot match (the index said so: none is read)."""
        self.scanned += count
        self.ruled_out += count

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "watchlist": self.watchlist,
            "days": self.days,
            "articles_scanned": self.scanned,
            "articles_read": self.scanned - self.ruled_out,
            "articles_matched": self.matched_articles,
            "alerts": len(self.stories),
            "per_day": {day.isoformat(): n for day, n in sorted(self.per_day.items())},
            "stories": [
                {"title": a.title, "outlet": a.outlet, "url": a.url, "day": a.day.isoformat()}
                for a in self.stories.values()
            ],
            "sample": [
                {"url": a.url, "terms": list(m.terms), "fields": list(m.fields),
                 "snippet": highlighted(m)}  # fmt: skip
                for a, m in self.sample
            ],
        }

    def text(self) -> str:
        """The result for a terminal."""
        lines = [
            f"backtest {self.watchlist!r}, last {self.days} days: {self.scanned} articles "
            f"scanned, {self.matched_articles} matched, {len(self.stories)} alerts would have "
            "been sent (none was)",
            f"  ({self.scanned - self.ruled_out} read and matched exactly; the full-text index "
            f"ruled out {self.ruled_out})",
        ]
        lines += [f"  {day.isoformat()}  {n}" for day, n in sorted(self.per_day.items())]
        if self.sample:
            lines.append("sample:")
        for article, hit in self.sample:
            lines.append(f"  {article.title} — {article.outlet} ({article.day.isoformat()})")
            lines.append(f"    {article.url}")
            lines.append(f"    {', '.join(hit.terms)}: {highlighted(hit)}")
        return "\n".join(lines)


def highlighted(hit: Match, before: str = "**", after: str = "**") -> str:
    """The match's snippet with each matched word wrapped in `before`/`after`."""
    out, at = [], 0
    for start, end in sorted(hit.highlights):
        if start < at:
            continue  # overlapping hits: the first one is marked
        out += [hit.snippet[at:start], before, hit.snippet[start:end], after]
        at = end
    return "".join([*out, hit.snippet[at:]])


def day_of(published_at: datetime | None, first_seen_at: datetime) -> date:
    """The day an article counts for: its publish day, else the day it was first seen."""
    return (published_at or first_seen_at).date()
