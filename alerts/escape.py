"""Make untrusted text safe and short for a channel: escaping, inert mentions, bounds (pure)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

ELLIPSIS = "…"
# Joins the "@" to the word without showing anything: `@here` stays readable, never pings.
WORD_JOINER = "\u200d"

_MENTION = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
_SLACK_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_CHARS = re.compile("[&<>]")
# Line breaks of every kind (a subject must stay one header line) and other control characters.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
_URL_UNSAFE = {"<": "%3C", ">": "%3E", "|": "%7C", " ": "%20", '"': "%22"}


def break_mentions(text: str) -> str:
    """`@here`, `@channel` and `@everyone` with a zero-width joiner after the @: they never ping."""
    return _MENTION.sub(lambda m: f"@{WORD_JOINER}{m.group(1)}", text)


def slack_escape(text: str) -> str:
    """Slack mrkdwn-safe text: `&`, `<`, `>` as entities (so `<!channel>` and `<url|…>` stay
    inert) and mentions broken."""
    return break_mentions(_SLACK_CHARS.sub(lambda m: _SLACK_SPECIAL[m.group()], text))


def slack_plain(text: str) -> str:
    """Text for a Slack plain_text field (the header): angle brackets shown as ‹ › so nothing
    can read as a `<!channel>` or link even where Slack parses, mentions broken."""
    return break_mentions(text.replace("<", "‹").replace(">", "›"))


def one_line(text: str) -> str:
    """Every line break and control character replaced by a space, runs of spaces collapsed."""
    return _SPACES.sub(" ", _BREAKS.sub(" ", text)).strip()


def safe_link(url: str) -> str | None:
    """The URL if it may be a link target (http or https, no whitespace or delimiters that end
    a Slack link), percent-encoded where needed; None for any other scheme."""
    url = url.strip()
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        return None
    return "".join(_URL_UNSAFE.get(char, char) for char in one_line(url))


def fit(text: str, limit: int, measure: Callable[[str], int] = len) -> str:
    """The text if `measure(text) <= limit`, else its longest head that fits with an ellipsis,
    cut after a whole word (unless that loses more than half of the room)."""
    if measure(text) <= limit:
        return text
    # The longest head that fits, by bisection: escaping may lengthen each character differently.
    low, high = 0, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle] + ELLIPSIS) <= limit:
            low = middle
        else:
            high = middle - 1
    head = text[:low]
    if len(head) < len(text) and not text[len(head)].isspace():  # cut inside a word
        space = max(head.rfind(" "), head.rfind("\n"))
        if space >= len(head) // 2:
            head = head[:space]
    return head.rstrip(" ,;:-\n") + ELLIPSIS if limit >= len(ELLIPSIS) else ""


def html_length(text: str) -> int:
    """How long a text is once HTML-escaped."""
    return len(html.escape(text))


def slack_length(text: str) -> int:
    """How long a text is once escaped for Slack (what Slack's limits count)."""
    return len(slack_escape(text))
