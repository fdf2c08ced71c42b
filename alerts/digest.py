"""Format a digest: many owed alerts in as few messages as the channel takes (one, unless a
Slack digest outgrows a post's 49 sections), grouped by watchlist then outlet, newest first,
escaped and bounded like a single alert (pure)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from alerts.escape import break_mentions, fit, html_length, one_line, slack_length, slack_plain
from alerts.message import (
    EMAIL,
    PLAIN,
    SLACK,
    AlertFacts,
    AlertMessage,
    Kind,
    Limits,
    Templates,
    format_alert,
    message_facts,
    render,
)
from alerts.slack_blocks import MAX_SECTIONS

# One story's line in a digest: short, so that a Slack section holds half a dozen or more.
ITEM = Limits(title=0, body=0, headline=200, outlet=80, url=500, snippet=0, reason=120,
              terms=120, also=160)  # fmt: skip
# A digest email is one message: bounded well below where mail clients clip (Gmail: 102 KB).
DIGEST_EMAIL = replace(EMAIL, body=90_000)
# A Slack digest part is one section of the post: under Slack's 3,000 characters.
SECTION = replace(SLACK, body=2900)
_FORMS: dict[Kind, tuple[str, str, Limits, Callable[[str], int]]] = {
    "slack": ("slack", "digest_slack.md.j2", SECTION, slack_length),
    "email": ("html", "digest_email.html.j2", DIGEST_EMAIL, html_length),
    "plain": ("plain", "digest_plain.txt.j2", PLAIN, len),
}
_OLDEST = datetime.min.replace(tzinfo=UTC)


def digest_order(alerts: Sequence[AlertFacts]) -> list[AlertFacts]:
    """Watchlist, then outlet (each by name), then newest first (undated last)."""
    return sorted(
        alerts,
        key=lambda a: (a.watchlist, a.outlet, -(a.published_at or _OLDEST).timestamp()),
    )


def format_digest(
    alerts: Sequence[AlertFacts], kind: Kind = "plain", *, catch_up: bool = False,
    templates: Templates = (),
) -> list[tuple[list[AlertFacts], AlertMessage]]:  # fmt: skip
    """The digest as messages (keyless: the sender keys them) with the stories each holds:
    one message, whole stories in each part within the channel's bound (a Slack post's
    sections); a second only past 49 Slack sections. One story gets its own message."""
    ordered = digest_order(alerts)
    if len(ordered) == 1:
        return [(ordered, format_alert(ordered[0], kind=kind, templates=templates))]
    parts = _pack(ordered, kind, templates)
    per_message = MAX_SECTIONS if kind == "slack" else 1
    grouped = [parts[at : at + per_message] for at in range(0, len(parts), per_message)]
    messages = []
    for number, sections in enumerate(grouped, start=1):
        stories = [story for section in sections for story in section]
        title = _title(stories, kind, catch_up, number, len(grouped))
        messages.append((stories, _message(sections, kind, title, templates)))
    return messages


def digest_key(keys: Sequence[str]) -> str:
    """A stable key for a digest part: the same stories give the same email Message-ID."""
    return "digest|" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:32]


def _pack(ordered: list[AlertFacts], kind: Kind, templates: Templates) -> list[list[AlertFacts]]:
    """Greedy parts, each the longest run of stories whose body fits (found by bisection)."""
    environment, template, limits, _ = _FORMS[kind]
    parts, start = [], 0
    while start < len(ordered):
        low, high = start + 1, len(ordered)
        while low < high:
            middle = (low + high + 1) // 2
            if len(_body(ordered[start:middle], kind, templates)) <= limits.body:
                low = middle
            else:
                high = middle - 1
        parts.append(ordered[start:low])
        start = low
    return parts


def _groups(alerts: Sequence[AlertFacts], kind: Kind) -> list[dict[str, Any]]:
    _, _, _, measure = _FORMS[kind]
    groups = []
    for watchlist, in_list in groupby(alerts, key=lambda a: a.watchlist):
        outlets = [
            {"name": fit(one_line(outlet), ITEM.outlet, measure),
             "stories": [message_facts(a, ITEM, measure) for a in items]}
            for outlet, items in groupby(in_list, key=lambda a: a.outlet)
        ]  # fmt: skip
        groups.append({"watchlist": fit(one_line(watchlist), 80, measure), "outlets": outlets})
    return groups


def _body(alerts: Sequence[AlertFacts], kind: Kind, templates: Templates) -> str:
    environment, template, _, _ = _FORMS[kind]
    return render(environment, template, {"groups": _groups(alerts, kind)}, None, templates)


def _message(sections: Sequence[Sequence[AlertFacts]], kind: Kind, title: str,
             templates: Templates) -> AlertMessage:  # fmt: skip
    environment, template, limits, _ = _FORMS[kind]
    if kind == "slack":
        texts = tuple(render(environment, template, {"groups": _groups(part, kind)},
                             limits.body, templates) for part in sections)  # fmt: skip
        return AlertMessage(slack_plain(title), "\n\n".join(texts), body_format="markdown",
                            sections=texts)  # fmt: skip
    (alerts,) = sections
    facts = {"groups": _groups(alerts, kind)}
    body = render(environment, template, facts, limits.body, templates)
    if kind == "email":
        text = render("plain", "digest_plain.txt.j2", {"groups": _groups(alerts, "plain")},
                      limits.body, templates)  # fmt: skip
        return AlertMessage(title, body, body_format="html", text=text)
    return AlertMessage(title, body)


def _title(part: Sequence[AlertFacts], kind: Kind, catch_up: bool, number: int,
           parts: int) -> str:  # fmt: skip
    """"[newswatch] Digest: 12 stories (us-russia-syria, climate)", one line, bounded."""
    _, _, limits, _ = _FORMS[kind]
    label = "Catch-up" if catch_up else "Digest"
    count = f"{len(part)} stor{'y' if len(part) == 1 else 'ies'}"
    watchlists = ", ".join(dict.fromkeys(one_line(a.watchlist) for a in part))
    numbered = f" ({number}/{parts})" if parts > 1 else ""
    title = f"[newswatch] {label}{numbered}: {count} ({watchlists})"
    return fit(break_mentions(title), limits.title)
