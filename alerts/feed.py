"""A watchlist's alerted stories as an Atom (RFC 4287) or JSON Feed 1.1 document (pure)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# The tag URI authority and date never change: ids made with them must stay the same forever.
TAG_PREFIX = "tag:newswatch,2026:"
AUTHOR = "newswatch"
# An empty feed has no newest entry; a fixed time keeps its bytes the same run after run.
EMPTY_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)

# What XML 1.0 allows (its Char production): scraped text can hold anything else.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One alerted story of a watchlist, as its feed entry shows it."""

    story_id: int
    title: str
    url: str
    outlet: str
    first_alerted_at: datetime
    last_update_at: datetime | None = None  # the latest material-update alert, if any
    published_at: datetime | None = None  # the article's, in the offset its page wrote
    snippet: str = ""  # the latest alert's: the matching passage, or the changed one
    also_covered_by: tuple[str, ...] = ()

    @property
    def updated(self) -> datetime:
        """When the entry last changed: its last update alert, else its first alert."""
        return self.last_update_at or self.first_alerted_at


def feed_id(watchlist: str) -> str:
    """The watchlist feed's permanent id (a tag URI)."""
    return f"{TAG_PREFIX}watchlist/{quote(watchlist, safe='')}"


def entry_id(watchlist: str, story_id: int) -> str:
    """A story's permanent id in a watchlist's feed: the same in every render."""
    return f"{feed_id(watchlist)}/story/{story_id}"


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return _NOT_XML_CHAR.sub("", text)


def feed_updated(entries: Sequence[FeedEntry]) -> datetime:
    """The feed's updated time: its newest entry's (a fixed epoch when it has none)."""
    return max((e.updated for e in entries), default=EMPTY_UPDATED)


def summary_text(entry: FeedEntry) -> str:
    """The entry's plain-text summary: the snippet (else the headline) and the other outlets."""
    text = entry.snippet.strip() or entry.title
    if entry.also_covered_by:
        text += f"\n\nAlso covered by: {', '.join(entry.also_covered_by)}"
    return text


def atom(watchlist: str, entries: Sequence[FeedEntry], self_url: str | None = None) -> str:
    """The watchlist's entries as an Atom 1.0 feed document."""
    feed = etree.Element(_atom("feed"), nsmap={None: ATOM_NS})
    _text(feed, "id", feed_id(watchlist))
    _text(feed, "title", f"newswatch: {watchlist}")
    _text(feed, "updated", _rfc3339(feed_updated(entries)))
    _text(etree.SubElement(feed, _atom("author")), "name", AUTHOR)
    _text(feed, "generator", AUTHOR)
    if self_url:
        etree.SubElement(feed, _atom("link"), rel="self", href=xml_safe(self_url))
    for entry in entries:
        element = etree.SubElement(feed, _atom("entry"))
        _text(element, "id", entry_id(watchlist, entry.story_id))
        _text(element, "title", entry.title, type="text")
        _text(element, "updated", _rfc3339(entry.updated))
        if entry.published_at is not None:
            _text(element, "published", _rfc3339(entry.published_at))
        _text(etree.SubElement(element, _atom("author")), "name", entry.outlet)
        etree.SubElement(element, _atom("link"), rel="alternate", href=xml_safe(entry.url))
        _text(element, "summary", summary_text(entry), type="text")
    return etree.tostring(feed, encoding="unicode", pretty_print=True)


def json_feed(watchlist: str, entries: Sequence[FeedEntry], self_url: str | None = None) -> str:
    """The watchlist's entries as a JSON Feed 1.1 document."""
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": f"newswatch: {watchlist}",
        "authors": [{"name": AUTHOR}],
    }
    if self_url:
        feed["feed_url"] = self_url
    feed["items"] = [_json_item(watchlist, entry) for entry in entries]
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def _json_item(watchlist: str, entry: FeedEntry) -> dict[str, object]:
    return {
        "id": entry_id(watchlist, entry.story_id),
        "url": entry.url,
        # JSON escapes control characters, but a lone surrogate cannot be written as UTF-8.
        "title": xml_safe(entry.title),
        "content_text": xml_safe(summary_text(entry)),
        "date_published": _rfc3339(entry.published_at or entry.first_alerted_at),
        "date_modified": _rfc3339(entry.updated),
        "authors": [{"name": entry.outlet}],
        # Extension members start with an underscore (JSON Feed 1.1, "Extensions").
        "_newswatch": {
            "story_id": entry.story_id,
            "outlet": entry.outlet,
            "also_covered_by": list(entry.also_covered_by),
            "first_alerted_at": _rfc3339(entry.first_alerted_at),
            "last_update_at": _rfc3339(entry.last_update_at) if entry.last_update_at else None,
        },
    }


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    # lxml escapes &, < and > itself; only characters XML cannot carry at all are dropped.
    element = etree.SubElement(parent, _atom(tag), **attrs)
    element.text = xml_safe(text)
    return element


def _rfc3339(when: datetime) -> str:
    # RFC 3339 needs an offset; storage returns aware times, and stores UTC if ever naive.
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat(timespec="seconds")


# The formats by name (the CLI's --format, the written files' suffix).
RENDERERS = {"atom": atom, "json": json_feed}
