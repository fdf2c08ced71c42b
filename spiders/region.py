"""Cleaning: where a page's outlet is, when its config does not say: the country its domain or its
declared locale names, and the time zones that country keeps."""

from __future__ import annotations

import re
from datetime import datetime, time, tzinfo
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz
from lxml.html import HtmlElement

# Country-code domains sold worldwide as brands (.io, .tv, .co…): they say nothing of a place.
# Under a second-level label (.com.co, .co.uk) the country code means its country again.
_VANITY_DOMAINS = frozenset(
    {"ai", "am", "as", "cc", "co", "fm", "gg", "io", "la", "ly", "me", "nu", "sh", "so", "tk",
     "to", "tv", "vc", "ws"}
)  # fmt: skip
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gob", "gov", "net", "org"})
# Domain codes that differ from ISO 3166's.
_DOMAIN_COUNTRY = {"uk": "gb"}
# A locale's region: the two letters after the language (en-US, pt_BR, es-419 is no country).
_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})\b", re.IGNORECASE)
_LOCALE_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//head/meta[translate(@http-equiv, 'CONTEGUAL', 'contegual')='content-language']/@content",
    "//head/meta[@property='og:locale']/@content",
)


def page_country(url: str | None, tree: HtmlElement | None = None) -> str | None:
    """The ISO country code (lower case) the page's domain names, else its declared locale."""
    return _domain_country(url) or (_locale_country(tree) if tree is not None else None)


@cache
def country_zones(country: str | None) -> tuple[tzinfo, ...]:
    """The time zones a country keeps (tz database order, first the most populous), or ()."""
    zones = []
    for name in pytz.country_timezones.get((country or "").upper(), ()):
        try:
            zones.append(ZoneInfo(name))
        except ZoneInfoNotFoundError:  # a name this machine's tz database lacks
            continue
    return tuple(zones)


def midnight_zone(instant: datetime, zones: tuple[tzinfo, ...]) -> tzinfo | None:
    """The first of `zones` in which the instant is exactly midnight, else None.

    A CMS that keeps a bare day as local midnight and writes it in UTC (23:00Z for a day in
    Berlin) means that local day, wherever in a country of several zones (see local_zone for
    other UTC times)."""
    return next((zone for zone in zones if instant.astimezone(zone).time() == time(0)), None)


def local_zone(instant: datetime, zones: tuple[tzinfo, ...]) -> tzinfo | None:
    """The zone whose local day a UTC-written instant means: one of `zones` in which it is
    midnight (midnight_zone), else the country's only offset at that instant, else None.

    A country on one offset (Argentina, Germany) names the day as its readers saw it; one
    spread over several (the United States) does not, and the day as written stays (the gold
    days of US networks are the UTC day: measured on the shared real pages)."""
    if found := midnight_zone(instant, zones):
        return found
    offsets = {instant.astimezone(zone).utcoffset() for zone in zones}
    return zones[0] if len(offsets) == 1 else None


def _domain_country(url: str | None) -> str | None:
    labels = (urlsplit(url or "").hostname or "").rstrip(".").split(".")
    if len(labels) < 2 or not labels[-1].isalpha() or len(labels[-1]) != 2:
        return None
    code = labels[-1].lower()
    if code in _VANITY_DOMAINS and not (len(labels) > 2 and labels[-2] in _SECOND_LEVEL):
        return None
    code = _DOMAIN_COUNTRY.get(code, code)
    return code if _known(code) else None


def _locale_country(tree: HtmlElement) -> str | None:
    for xpath in _LOCALE_XPATHS:
        for value in tree.xpath(xpath):
            match = _REGION.match(str(value).strip())
            if match and _known(code := match[1].lower()):
                return code
    return None


def _known(country: str) -> bool:
    # pytz's table is keyed in upper case; its lookups (not `in`) fold case themselves.
    return country.upper() in pytz.country_timezones
