"""Format one alert as a message for its kind of channel, from bundled templates: pure, no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol

from jinja2 import ChoiceLoader, FileSystemLoader, FunctionLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from alerts.escape import (
    ELLIPSIS,
    break_mentions,
    fit,
    html_length,
    one_line,
    safe_link,
    slack_escape,
    slack_length,
    slack_plain,
)
from alerts.evidence import by_place, matched, snippet_parts
from alerts.keys import NEW, UPDATE

Kind = Literal["slack", "email", "plain"]
TEMPLATES = Path(__file__).parent / "templates"
# The templates a user may replace (config [alerts.templates] key -> bundled name).
OVERRIDABLE = {
    "slack": "slack.md.j2", "email": "email.html.j2", "plain": "plain.txt.j2",
    "digest_slack": "digest_slack.md.j2", "digest_email": "digest_email.html.j2",
    "digest_plain": "digest_plain.txt.j2",
}  # fmt: skip
# (bundled name, the user's file) pairs: hashable, so environments are cached per set.
Templates = tuple[tuple[str, str], ...]


class AlertFacts(Protocol):
    """What an alert message is made of (storage.outbox.PendingAlert satisfies it).

    Optional, read when present: `kind` ("new" or "update"), `update_reason`,
    `also_covered_by` (the story's other outlets), and the evidence: `fields` (per term, where
    it was found) and `highlights` ([start, end) of matched words in the snippet).
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
    """A message ready for apprise: title, body in `body_format`, an email's plain-text part,
    and its alert's outbox key."""

    title: str
    body: str
    key: str | None = None  # the outbox idempotency key; None for a message owed to no row
    body_format: Literal["text", "markdown", "html"] = "text"
    text: str | None = None  # email only: the text/plain alternative of an HTML body
    # Slack only: the body as the sections of one post (each within a section's bound)
    sections: tuple[str, ...] = ()

    @property
    def message_id(self) -> str | None:
        """A stable email Message-ID: a re-sent alert repeats it, so mail clients fold the copy."""
        return stable_message_id(self.key) if self.key is not None else None


@dataclass(frozen=True)
class Limits:
    """Per-field bounds (as the channel counts them, escaping included) and the whole body's."""

    title: int  # the apprise title: Slack's header block, an email subject, a webhook title
    body: int
    headline: int = 300
    outlet: int = 100
    url: int = 600
    snippet: int = 1000
    reason: int = 250
    terms: int = 200
    also: int = 300


# Slack: a header block holds 150 characters, a section 3,000; the fields add up to < 2,900.
SLACK = Limits(title=150, body=3000)
# One subject line well under the 998-character SMTP line limit; generous bodies otherwise.
EMAIL = Limits(title=200, body=20_000, headline=500, outlet=200, url=2000, snippet=2000,
               reason=500, terms=500, also=1000)  # fmt: skip
PLAIN = Limits(title=250, body=8000, headline=500, outlet=200, url=2000, snippet=1500,
               reason=400, terms=400, also=600)  # fmt: skip


def stable_message_id(key: str) -> str:
    """The RFC 5322 Message-ID for an idempotency key; the key itself stays out of the mail."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@newswatch>"


def format_alert(
    alert: AlertFacts, key: str | None = None, kind: Kind = "plain", templates: Templates = ()
) -> AlertMessage:
    """Render the watchlist, headline, outlet, date, URL, matched terms and snippet for a
    channel kind, escaped and bounded for it; an update says what changed. `templates`
    replaces bundled templates by the user's files (same sandbox, same escaping)."""
    if kind == "slack":
        facts = message_facts(alert, SLACK, slack_length)
        body = render("slack", "slack.md.j2", facts, SLACK.body, templates)
        title = slack_plain(_slack_header(alert))
        return AlertMessage(title, body, key, body_format="markdown")
    if kind == "email":
        facts = message_facts(alert, EMAIL, html_length)
        html = render("html", "email.html.j2", facts, EMAIL.body, templates)
        text = render("text", "plain.txt.j2", facts, EMAIL.body, templates)
        return AlertMessage(_title(alert, EMAIL), html, key, body_format="html", text=text)
    body = render("plain", "plain.txt.j2", message_facts(alert, PLAIN, len), PLAIN.body,
                  templates)  # fmt: skip
    return AlertMessage(_title(alert, PLAIN), body, key)


def describe_update(reason: str | None) -> tuple[str, str]:
    """What an update did, and the label of the passage it quotes (storage.updates' reasons)."""
    reason = reason or "the text changed"
    if reason.startswith("correction"):
        return reason, "Correction"
    if reason.startswith("headline"):
        return reason, "New headline"
    if reason.endswith(" added"):
        return reason, "Added"
    if reason.endswith(" removed"):
        return reason, "Removed"
    return reason, "Now reads"


def _slack_header(alert: AlertFacts) -> str:
    """"[watchlist] Outlet" (or "[watchlist] Updated · Outlet"): the linked headline follows
    in the body, so the header does not repeat it."""
    label = f"[{fit(one_line(alert.watchlist), 60)}] " + ("Updated · " if _is_update(alert) else "")
    return fit(break_mentions(label + one_line(alert.outlet)), SLACK.title)


def _title(alert: AlertFacts, limits: Limits) -> str:
    # Rendered without escaping: a title is plain text everywhere (Slack's header block too).
    title = _environment("text").get_template("subject.txt.j2").render(
        watchlist=fit(one_line(alert.watchlist), 60),
        update=_is_update(alert),
        title=fit(one_line(alert.title), limits.title),
    )
    return fit(break_mentions(one_line(title)), limits.title)


def message_facts(
    alert: AlertFacts, limits: Limits, measure: Callable[[str], int]
) -> dict[str, Any]:
    """One alert's template values: one line each (the snippet too), each within its bound;
    `snippet_parts` is the snippet cut into runs, the matched words flagged `hit`, and
    `matched` each term with where it was found, `matched_by_place` the terms grouped by
    where they were first found (headline first)."""

    def bound(text: str, limit: int) -> str:
        return fit(one_line(text), limit, measure)

    link = safe_link(alert.url)
    update = None
    if _is_update(alert):
        reason, label = describe_update(getattr(alert, "update_reason", None))
        update = {"reason": bound(reason, limits.reason), "label": label}
    terms = _bound_list(alert.terms, limits.terms, bound, measure)
    highlights = getattr(alert, "highlights", ()) if update is None else ()
    return {
        "title": bound(alert.title, limits.headline),
        "outlet": bound(alert.outlet, limits.outlet),
        "url": bound(alert.url, limits.url),
        "link": link if link and measure(link) <= limits.url else None,
        "published": _published(alert.published_at),
        "timestamp": int(alert.published_at.timestamp()) if alert.published_at else None,
        "terms": terms,
        "matched": matched(terms, getattr(alert, "fields", ())),
        "matched_by_place": by_place(terms, getattr(alert, "fields", ())),
        "snippet": bound(alert.snippet, limits.snippet),
        "snippet_parts": snippet_parts(alert.snippet, highlights, limits.snippet, measure),
        "update": update,
        "also": _bound_list(getattr(alert, "also_covered_by", ()), limits.also, bound, measure),
    }


def _bound_list(
    items: Sequence[str], limit: int, bound: Callable[[str, int], str],
    measure: Callable[[str], int],
) -> list[str]:
    """As many items as fit in `limit` together (", " between them), then "…" for the rest."""
    kept: list[str] = []
    room = limit
    for item in items:
        text = bound(item, room)
        if kept and (text.endswith(ELLIPSIS) or measure(text) + 2 > room):
            kept.append(ELLIPSIS)
            break
        kept.append(text)
        room -= measure(text) + 2
        if room <= len(ELLIPSIS):
            break
    return kept


def _published(when: datetime | None) -> str:
    """The time as the outlet wrote it: "2017-01-24 10:15 UTC" or "2017-01-24 11:15 UTC+01:00"."""
    if when is None:
        return "date unknown"
    if not when.utcoffset():
        return when.strftime("%Y-%m-%d %H:%M UTC")
    zone = when.strftime("%z")  # "+0100"
    return when.strftime("%Y-%m-%d %H:%M ") + f"UTC{zone[:3]}:{zone[3:5]}"


def _is_update(alert: AlertFacts) -> bool:
    return getattr(alert, "kind", NEW) == UPDATE


def render(
    environment: str, template: str, facts: dict[str, Any], limit: int | None,
    templates: Templates = (),
) -> str:  # fmt: skip
    """A template (bundled, or the user's file for it) rendered in the channel's sandbox, cut
    to `limit` (None: uncut)."""
    # Values are rendered once and never re-parsed: a `{{ }}` in scraped text stays literal.
    body = _environment(environment, templates).get_template(template).render(**facts).strip()
    # A safety net only: the fields' bounds already add up to less.
    return body if limit is None else fit(body, limit)


@cache
def _environment(name: str, templates: Templates = ()) -> SandboxedEnvironment:
    """A sandboxed environment escaping every value for its channel: HTML autoescaped, Slack's
    `&<>` as entities, mentions broken everywhere but in an email's text part; the user's
    template files first, then the bundled ones."""
    finalize = {"slack": slack_escape, "plain": break_mentions}.get(name)
    overrides = dict(templates)
    return SandboxedEnvironment(
        loader=ChoiceLoader([FunctionLoader(lambda t: _user_template(overrides.get(t))),
                             FileSystemLoader(TEMPLATES)]),  # fmt: skip
        autoescape=name == "html",
        finalize=(lambda value: finalize(str(value))) if finalize else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _user_template(path: str | None) -> tuple[str, str, Callable[[], bool]] | None:
    """The user's template file for a bundled name, as jinja2's FunctionLoader wants it."""
    if path is None:
        return None
    file = Path(path)
    mtime = file.stat().st_mtime_ns
    source = file.read_text(encoding="utf-8")
    # Up to date while unchanged on disk: an edited file (checked again at load) is re-read.
    return source, path, lambda: file.exists() and file.stat().st_mtime_ns == mtime
