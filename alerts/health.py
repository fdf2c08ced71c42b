"""Outlet health (pure): each outlet's state from its recent runs, and the notice a change owes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from alerts.backoff import ChannelHealth
from spiders.blockpage import is_block_page

OK, FAILING, SILENT, DEGRADED = "ok", "failing", "silent", "degraded"
DEAD = "dead"  # an alert channel delivery gave up on (alerts.backoff)
BAD_STATES = (FAILING, DEGRADED, SILENT, DEAD)
# The outbox "watchlist" of health notices: their subject reads "[outlet health] …".
HEALTH_WATCHLIST = "outlet health"
# Fewer words than this is no article text: an error stub, a consent wall, a bare headline.
SHORT_WORDS = 25


@dataclass(frozen=True)
class RunCounts:
    """What one run did for one outlet, as kept in its history."""

    at: datetime
    discovered: int = 0
    fetched: int = 0  # article pages downloaded
    new: int = 0
    updated: int = 0
    failed: int = 0  # failed requests, of every kind
    not_article: int = 0  # fetched pages cleaning turned away (listings, videos, error pages)
    blocked: int = 0  # extracted "articles" that read as a block page
    short: int = 0  # extracted "articles" with (almost) no text
    responses: int = 0  # every response received, 304s included
    not_modified: int = 0  # responses that were 304s
    errors: Mapping[str, int] = field(default_factory=dict)  # failure kind -> count

    @property
    def robots(self) -> int:
        """Requests robots.txt refused."""
        return self.errors.get("robots", 0)

    @property
    def poor(self) -> int:
        """Fetched pages that yielded no usable article."""
        return self.not_article + self.blocked + self.short

    @property
    def all_failed(self) -> bool:
        """Whether every request of the run failed: nothing fetched, not even a 304."""
        return self.failed > 0 and self.fetched == 0 and self.not_modified == 0

    @property
    def share_304(self) -> float:
        """The share of responses that were 304 Not Modified."""
        return self.not_modified / self.responses if self.responses else 0.0


@dataclass(frozen=True)
class HealthRules:
    """When an outlet counts as failing, degraded or silent."""

    failing_runs: int = 3  # consecutive runs in which every request failed
    min_fetched: int = 2  # a run fetching fewer pages says nothing about its extractions
    poor_share: float = 0.5  # "most fetched pages" yield no article…
    baseline_runs: int = 3  # …when its earlier runs (at least this many) mostly did
    first_poor_share: float = 0.9  # without such a baseline, only (nearly) all pages count
    rhythm_runs: int = 4  # runs that brought new articles, needed to know its rhythm
    silent_factor: float = 3.0  # silent after this many times its usual gap…
    silent_min: timedelta = timedelta(hours=6)  # …and never sooner than this


@dataclass(frozen=True)
class Health:
    """An outlet's state and why."""

    state: str
    reason: str = ""


@dataclass(frozen=True)
class Notice:
    """A state change worth telling the operator about: the outlet went bad, or recovered."""

    outlet: str
    state: str
    previous: str
    detail: str

    @property
    def title(self) -> str:
        """The notice's headline."""
        if self.state == OK:
            return f"{self.outlet} recovered (was {self.previous})"
        return f"{self.outlet} is {self.state}"


def assess(
    history: Sequence[RunCounts], previous: str, now: datetime, rules: HealthRules = HealthRules()
) -> Health:
    """The outlet's state after `history` (oldest run first), given its state before."""
    if not history:
        return Health(previous)
    for judge in (_failing, _degraded, _silent):
        verdict = judge(history, previous, now, rules)
        if verdict is not None:
            return verdict
    return Health(OK)


def notice_for(outlet: str, previous: str, current: Health) -> Notice | None:
    """One notice when an outlet goes from ok to a bad state and one when it is back; a change
    between bad states, or no change, owes none."""
    if previous == OK and current.state in BAD_STATES:
        return Notice(outlet, current.state, previous, current.reason)
    if previous in BAD_STATES and current.state == OK:
        return Notice(outlet, OK, previous, f"back to ok after being {previous}")
    return None


def channel_subject(channel: str) -> str:
    """The name a channel's health goes by in notices and listings, beside the outlets'."""
    return f"channel {channel}"


def channel_health(stored: ChannelHealth | None, previous: str) -> Health:
    """A channel's state from its delivery record: dead while delivery has given it up, ok once
    it has no failures (a send went through, or its URL changed), else as before."""
    if stored is not None and stored.dead_since is not None:
        error = f"; last error: {stored.last_error}" if stored.last_error else ""
        retry = f"`newswatch alerts retry --channel {stored.channel}`"
        return Health(DEAD, f"delivery gave up after {stored.failures} failed sends; its alerts "
                            f"wait until its URL is fixed in the config, or {retry} once it is "
                            f"back{error}")  # fmt: skip
    if stored is None or stored.failures == 0:
        return Health(OK)
    return Health(previous)  # failing, not dead: neither news nor a recovery yet


def extraction_signs(title: str, text: str) -> tuple[str, ...]:
    """("blocked",) for a block page, ("short",) for (almost) no text, else ()."""
    if is_block_page(title, text):
        return ("blocked",)
    return ("short",) if len(text.split()) < SHORT_WORDS else ()


def runs_to_keep(runs: Sequence[tuple[int, bool]], keep: int = 50, keep_new: int = 10) -> set[int]:
    """Of (id, brought new articles) newest first: the latest `keep` runs, plus the latest
    `keep_new` that brought new articles (an outlet's rhythm outlives a long silence)."""
    latest = {run_id for run_id, _ in runs[:keep]}
    productive = [run_id for run_id, new in runs if new][:keep_new]
    return latest | set(productive)


def _failing(history: Sequence[RunCounts], previous: str, now: datetime,
             rules: HealthRules) -> Health | None:  # fmt: skip
    recent = history[-rules.failing_runs :]
    if len(recent) < rules.failing_runs or not all(run.all_failed for run in recent):
        return None
    kinds = ", ".join(f"{kind}×{n}" for kind, n in sorted(recent[-1].errors.items()))
    return Health(FAILING, f"every request failed in the last {len(recent)} runs ({kinds})")


def _degraded(history: Sequence[RunCounts], previous: str, now: datetime,
              rules: HealthRules) -> Health | None:  # fmt: skip
    latest = history[-1]
    if latest.fetched < rules.min_fetched:  # no fresh evidence: a degraded outlet stays so
        return Health(DEGRADED, "no pages fetched since") if previous == DEGRADED else None
    share = latest.poor / latest.fetched
    if share < rules.poor_share:
        return None
    reason = (
        f"{latest.poor} of {latest.fetched} fetched pages gave no article ({latest.blocked} "
        f"block pages, {latest.short} empty or short, {latest.not_article} not an article)"
    )
    if previous == DEGRADED:
        return Health(DEGRADED, reason)
    baseline = [r.poor / r.fetched for r in history[:-1] if r.fetched >= rules.min_fetched]
    if len(baseline) < rules.baseline_runs:
        return Health(DEGRADED, reason) if share >= rules.first_poor_share else None
    # Only a change is news: an outlet whose pages were always mostly listings is as usual.
    return Health(DEGRADED, reason) if median(baseline) < rules.poor_share else None


def _silent(history: Sequence[RunCounts], previous: str, now: datetime,
            rules: HealthRules) -> Health | None:  # fmt: skip
    brought = [run.at for run in history if run.new > 0]
    if len(brought) < rules.rhythm_runs:
        return None  # its rhythm is not known yet
    usual = median(b - a for a, b in zip(brought, brought[1:], strict=False))
    quiet = now - brought[-1]
    if quiet <= max(usual * rules.silent_factor, rules.silent_min):
        return None
    return Health(SILENT, f"no new article for {_hours(quiet)} (usually every {_hours(usual)})")


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h"
