"""The run summary: per-outlet counts and health, built from what the run did (pure), rendered
for people."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import quote

from alerts.health import OK, Health
from storage.outbox import AlertedStory

# Inline markup only: every field stands mid-line, so "#", "-" or "1." cannot start a block,
# and "(" means nothing without the "]" escaped here.
_MARKDOWN = re.compile(r"[\\`*_\[\]|~]")


@dataclass(frozen=True)
class OutletReport:
    """One outlet's line in the run summary."""

    outlet: str
    discovered: int = 0  # distinct article URLs its sources listed = known + requested
    fetched: int = 0  # article pages downloaded: requested and revisited ones
    new: int = 0
    updated: int = 0
    failed: int = 0
    matched: int = 0  # articles that made a watchlist owe an alert (new or update)
    also_covered: int = 0  # matching copies of a story alerted already: recorded, not sent
    alerts_sent: int = 0
    errors: str = ""
    health: str = "ok"  # ok, failing, degraded or silent (alerts.health)
    health_reason: str = ""
    failures: tuple[str, ...] = ()  # "kind URL: what to do", the first few of this run
    listed: int = 0  # article links in its feeds, sitemaps and pages (repeats included)
    known: int = 0  # discovered articles stored already: skipped as known
    revisited: int = 0  # known articles fetched again to catch edits
    unchanged: int = 0  # fetched articles whose text had not changed (new+updated+unchanged)


@dataclass(frozen=True)
class RunSummary:
    """What one monitoring cycle did."""

    outlets: tuple[OutletReport, ...]
    alerts_pending: int  # alerts still owed after this run, on every channel
    crawl_error: str | None = None
    failed_outlets: tuple[str, ...] = field(default=())
    # Channels failing, backing off, out of time or dead, with what they owe (flows.deliver).
    channel_notices: tuple[str, ...] = field(default=())
    health_notices: int = 0  # health notices delivered this run: not counted as alerts sent

    @property
    def nothing_fetched(self) -> bool:
        """True when every outlet failed and none was fetched: the run monitored nothing."""
        return bool(self.outlets) and len(self.failed_outlets) == len(self.outlets)

    @property
    def troubled(self) -> bool:
        """True when an outlet failed or is not healthy, or the crawl itself failed."""
        return bool(self.crawl_error or self.failed_outlets) or any(
            row.health != OK for row in self.outlets
        )

    def headline(self) -> str:
        """What the run found, in a few words: the run's name on the dashboard after its time."""
        new = sum(row.new for row in self.outlets)
        sent = sum(row.alerts_sent for row in self.outlets)
        parts = [f"{new} new", f"{sent} alerts"]
        if self.health_notices:
            parts.append(f"{self.health_notices} health notices")
        if self.failed_outlets:
            parts.append(f"{len(self.failed_outlets)}/{len(self.outlets)} outlets failed")
        unhealthy = sum(1 for row in self.outlets if row.health != OK)
        if unhealthy:
            parts.append(f"{unhealthy} unhealthy")
        return " · ".join(parts)

    def table(self) -> list[dict]:
        """Rows for the Prefect table artifact and `--json` output."""
        return [{**asdict(row), "failures": "; ".join(row.failures)} for row in self.outlets]

    def text(self) -> str:
        """A short human summary for the terminal."""
        totals = Counter()
        for row in self.outlets:
            totals.update({k: v for k, v in asdict(row).items() if isinstance(v, int)})
        lines = [
            f"{len(self.outlets)} outlets: {totals['discovered']} discovered "
            f"({totals['known']} known, skipped), {totals['fetched']} fetched "
            f"({totals['revisited']} revisits), {totals['new']} new, {totals['updated']} "
            f"updated, {totals['unchanged']} unchanged, "
            f"{totals['matched']} matched, {totals['also_covered']} also covered, "
            f"{totals['alerts_sent']} alerts sent, "
            f"{self.alerts_pending} alerts pending"
        ]
        if self.health_notices:
            lines.append(f"{self.health_notices} health notices sent (outlets or channels "
                         "going bad or recovering; not counted as alerts)")  # fmt: skip
        if self.crawl_error:
            lines.append(f"crawl failed: {self.crawl_error}")
        for row in self.outlets:
            if row.outlet in self.failed_outlets:
                lines.append(f"outlet failed: {row.outlet}: {row.errors}")
            lines += [f"  {row.outlet}: {failure}" for failure in row.failures]
        lines += [f"outlet {row.health}: {row.outlet}: {row.health_reason}".rstrip(": ")
                  for row in self.outlets if row.health != OK]
        return "\n".join([*lines, *self.channel_notices])


def summarize(
    outlet_names: Iterable[str],
    crawl_stats: Mapping[str, object],
    changes: Mapping[str, Counter],
    sent_by_outlet: Counter,
    backed_off: Mapping[str, datetime] | None = None,
    health: Mapping[str, Health] | None = None,
    health_sent: Mapping[str, int] | None = None,
) -> tuple[OutletReport, ...]:
    """Merge crawl stats, storage changes, deliveries and health into one row per outlet; the
    health notices `health_sent` about an outlet are not its alerts and are taken off them."""
    rows = []
    for name in outlet_names:
        state = (health or {}).get(name, Health(OK))
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
                alerts_sent=max(0, sent_by_outlet[name] - (health_sent or {}).get(name, 0)),
                errors=", ".join(f"{kind}×{n}" for kind, n in sorted(errors.items())),
                failures=failure_lines(stats),
                listed=getattr(stats, "listed", 0),
                known=getattr(stats, "known", 0),
                revisited=getattr(stats, "revisited", 0),
                unchanged=counts["unchanged"],
                health=state.state,
                health_reason=state.reason,
            )
        )
    return tuple(rows)


def failure_lines(stats: object) -> tuple[str, ...]:
    """Each sampled failure as "kind URL: what to do", and how many more the crawl log has."""
    samples = tuple(getattr(stats, "failures", ()) or ())
    lines = [f"{kind} {url}: {advice(kind)}" for kind, url in samples]
    more = int(getattr(stats, "failed", 0) or 0) - len(samples)
    if samples and more > 0:
        lines.append(f"and {more} more failures in the crawl log")
    return tuple(lines)


def failed_outlets(rows: Iterable[OutletReport]) -> tuple[str, ...]:
    """Outlets that had failures and yielded nothing this run."""
    return tuple(r.outlet for r in rows if r.failed and not r.fetched)


def stories_markdown(stories: Sequence[AlertedStory], notices: Sequence[str]) -> str:
    """The run's matching stories with links, then what channels still owe (markdown)."""
    lines = ["## Matching stories", ""]
    if not stories:
        lines.append("None this run.")
    for story in stories:
        update = "Updated: " if story.kind == "update" else ""
        link = f"[{_md(update + story.title)}]({_md_url(story.url)})"
        lines.append(f"- **{_md(story.watchlist)}** · {link} · {_md(story.outlet)} → "
                     f"{_md(', '.join(story.channels))}")  # fmt: skip
    lines += ["", "## Channels", ""]
    lines += [f"- {_md(notice)}" for notice in notices] or ["Every channel is clear."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    # Scraped text is inert on the dashboard: no markup, no HTML, one line.
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\g<0>", text)


def _md_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return "#"
    return quote(url, safe=":/?&=%#@+,;~!$'*")


# What an operator can do about each kind of failure (kinds not listed get the generic advice).
_ADVICE = {
    "dns": "the host name does not resolve: check the URL's spelling",
    "connection": "nothing answered: is the site up, and reachable from here?",
    "timeout": "no answer in time: the site is slow or down (or raise download_timeout)",
    "robots": "robots.txt forbids it: newswatch will not fetch it",
    "too_large": "larger than max_page_bytes (after decompression)",
    "too_complex": "more elements than any article: not cleaned",
    "extract_timeout": "still cleaning after clean_seconds: not stored",
    "blocked_address": "it leads to a private or special address (intranet = true allows private)",
    "bad_scheme": "not an http(s) link",
    "redirect_loop": "its redirects go round in a loop",
    "redirect_limit": "too many redirects (max_redirects)",
    "bad_feed": "not an RSS or Atom feed: check the outlet's feeds",
    "not_html": "not a web page (a PDF, an image…)",
    "http_401": "the site wants a login",
    "http_403": "the site refuses newswatch: check its terms, or the user_agent",
    "http_404": "gone: if it is one of the outlet's feeds or sitemaps, update the config",
    "http_410": "gone for good: if it is a feed or sitemap, remove it from the config",
    "http_429": "the site asks for fewer requests: raise the outlet's delay",
}


def advice(kind: str) -> str:
    """What an operator can do about a failure of this kind, in a few words."""
    if kind in _ADVICE:
        return _ADVICE[kind]
    if kind.startswith("http_5"):
        return "the site's server failed: usually passes; retried next run"
    return "see the crawl log for details"
