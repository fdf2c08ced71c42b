"""Cleaning: an article's headline, confirmed against its <h1>, without the outlet's name."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from spiders.text import name_key

# What sits between a headline and the outlet's name: " | ", " - ", " – ", " — ", " · ", " » ",
# and a bare "|". A hyphen only counts with spaces around it, so "Nordstadt-Kurier" is one name.
_SEPARATOR = re.compile(r"\s+[-–—|·•»:]{1,2}\s+|\s*\|\s*")
# "Newsweek: Headline": a colon only separates an outlet's name written first.
_PREFIX_SEPARATOR = re.compile(_SEPARATOR.pattern + r"|:\s+")
_ELLIPSES = ("…", "...")
# Host name labels that never name an outlet (www.independent.co.uk -> "independent").
_HOST_NOISE = frozenset({"www", "m", "amp", "co", "com", "org", "net", "gov", "ac", "edu", "news"})


def site_keys(names: Iterable[str | None], url: str | None) -> frozenset[str]:
    """Comparable forms of the outlet's names and of the URL's host, to recognise it in titles."""
    keys = set()
    for name in filter(None, names):
        key = name_key(name.lstrip("@"))
        keys.update({key, key.removeprefix("the")})
    host = urlsplit(url or "").hostname or ""
    keys.update(name_key(label) for label in host.split(".")[:-1] if label not in _HOST_NOISE)
    keys.discard("")
    return frozenset(keys)


def strip_site(title: str, keys: frozenset[str]) -> str:
    """The title without an outlet name before or after a separator; the rest kept as written."""
    title = " ".join(title.split())
    while shorter := _without_suffix(title, keys) or _without_prefix(title, keys):
        title = shorter
    return title


def choose_headline(
    structured: Sequence[str | None],
    h1s: Sequence[str],
    title_tag: str | None,
    keys: frozenset[str],
) -> str | None:
    """The headline: a structured title (JSON-LD, og:title…) the page's <h1> confirms, if any."""
    titles = [strip_site(title, keys) for title in structured if title and title.strip()]
    # An <h1> that only names the outlet is its logo.
    headings = [" ".join(h.split()) for h in h1s if name_key(h) and name_key(h) not in keys]
    for title in titles:
        for heading in headings:
            if name_key(title) == name_key(heading):
                return title
            if _cut_short(title, heading):  # JSON-LD headlines are often cut at 110 characters
                return heading
    tag = strip_site(title_tag, keys) if title_tag else None
    for heading in headings:
        if tag and (
            tag == heading or _SEPARATOR.match(tag, len(heading)) and tag.startswith(heading)
        ):
            return heading
    # "Site's Home | Headline" or "Headline - Site (ABC)": the part the <h1> confirms.
    for title in titles or [tag]:
        for heading in headings:
            if title and any(name_key(part) == name_key(heading) for part in _parts(title)):
                return heading
    if titles:
        return titles[0]
    if len(headings) == 1:
        return headings[0]
    return tag or None


def _parts(title: str) -> list[str]:
    parts = _SEPARATOR.split(title)
    return parts if len(parts) > 1 else []


def _without_suffix(title: str, keys: frozenset[str]) -> str | None:
    for match in _SEPARATOR.finditer(title):
        if match.start() > 0 and name_key(title[match.end() :]) in keys:
            return title[: match.start()]
    return None


def _without_prefix(title: str, keys: frozenset[str]) -> str | None:
    for match in _PREFIX_SEPARATOR.finditer(title):
        if match.end() < len(title) and name_key(title[: match.start()]) in keys:
            return title[match.end() :]
    return None


def _cut_short(title: str, heading: str) -> bool:
    if not title.endswith(_ELLIPSES):
        return False
    stem = name_key(title.rstrip("….").rstrip())
    return len(stem) > 20 and name_key(heading).startswith(stem) and len(heading) > len(title) - 3
