"""Cleaning: when an article was published and last updated, in the page's own offset, and where
that was read."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from spiders.region import local_zone

# <meta> names and properties (lower case) that carry the first publication time, best first.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "publishdate", "publish-date", "publish_date", "pubdate",
    "parsely-pub-date", "sailthru.date", "article.published", "dc.date.issued", "dcterms.issued",
    "dcterms.created", "dc.date", "dcterms.date", "date",
)  # fmt: skip
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "article.updated", "last-modified",
)  # fmt: skip
# Where a publish date came from. Three witnesses vote on the day, the first winning a tie:
# the URL, the feed or sitemap, and the page. The page speaks once, its own voices voting
# first (_page_voice): the day it prints under (or right above) its headline ("byline"),
# after a publication label ("label": "Published:", "Erschienen am"), and its markup
# (htmldate's reading of it, else the JSON-LD, else the meta tags). "page" is htmldate's
# search of the page text, asked only when no witness says anything.
SOURCES = ("url", "feed", "byline", "label", "markup", "json-ld", "meta", "page")
# When witnesses agree on the day, the stored instant comes from the most precise reading.
_PRECISION = ("json-ld", "meta", "markup", "feed", "byline", "label", "url")
# The page's markup speaks once: htmldate's reading, else the JSON-LD, else the meta tags.
_MARKUP = ("markup", "json-ld", "meta")
# A URL's day is fixed when the story is filed. A page time the outlet wrote with its own
# (non-UTC) offset on one of the next days is when the story went out, and wins their tie; a
# UTC time says nothing of the local day, and one months later is a republication.
FILED_BEFORE = timedelta(days=7)
# Older than the web's news sites, or later than tomorrow: a parsing accident, not a date.
EARLIEST = datetime(1994, 1, 1, tzinfo=UTC)
# /2016/11/10/ or /2016-11-10-: a day in the path. Month-only paths (/2016/11/) say too little,
# and a one-digit "day" followed by a dash opens a slug (/2023/10/3-questions-for-…).
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})([/-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])"
    r"(?:(?=[/_.]|$)|(?<=\d\d)(?=-))"
)
# /20200428/ or /20220124-slug: a path segment opening with eight digits that make a day.
_URL_COMPACT_DATE = re.compile(
    r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)


def publish_time(
    *,
    url: str | None,
    feed: datetime | None,
    markup: str | None,
    json_ld: str | None,
    meta: Mapping[str, tuple[str, ...]],
    byline: str | None = None,
    label: Callable[[], str | None] = lambda: None,
    page: Callable[[], str | None] = lambda: None,
    zone: tzinfo | None = None,
    country: tuple[tzinfo, ...] = (),
) -> tuple[datetime | None, str | None]:
    """The publish time (in the offset it was written with) and its source, or (None, None).

    The URL, the feed and the page vote on the day (see SOURCES); `byline` and `label` are
    the days the page prints (spiders.byline; `label` is asked only where it can decide),
    `markup` htmldate's reading of its date markup. `page` (htmldate's text search) is asked
    only when no witness says anything. `zone` is the outlet's configured time zone; without
    one, `country` holds the zones of the outlet's country (spiders.region), else UTC."""
    readings = {
        "url": url_date(url, zone, country),
        "feed": _plausible(_aware(feed, zone, country)) if feed else None,
        "markup": parse_datetime(markup, zone, country),
        "json-ld": parse_datetime(json_ld, zone, country),
        "meta": _from_meta(meta, PUBLISHED_META, zone, country),
        "byline": parse_datetime(byline, zone, country),
    }
    if readings["markup"] == readings["url"]:
        readings["markup"] = None  # htmldate read the URL, having found no markup: one witness
    readings["label"] = parse_datetime(label(), zone, country) if _label_counts(readings) else None
    spoke = _page_voice(readings)
    page_says = readings[spoke] if spoke else None
    written = {"markup": markup, "json-ld": json_ld, "meta": _meta_text(meta, PUBLISHED_META)}
    order = [readings["url"], readings["feed"], page_says]
    if _went_out_after_filing(readings["url"], page_says, written.get(spoke or "")):
        order = [page_says, readings["url"], readings["feed"]]  # the page's time breaks a tie
    witnesses = [w for w in order if w is not None]
    if not witnesses:
        guess = parse_datetime(page(), zone, country)
        return (guess, "page") if guess else (None, None)
    votes = Counter(witness.date() for witness in witnesses)
    day = max(votes, key=lambda d: (votes[d], -_first_vote(witnesses, d)))
    source = next(s for s in _PRECISION if readings[s] and readings[s].date() == day)
    return readings[source], source


def update_time(
    *,
    json_ld: str | None,
    meta: Mapping[str, tuple[str, ...]],
    zone: tzinfo | None = None,
    country: tuple[tzinfo, ...] = (),
) -> datetime | None:
    """The last-update time from JSON-LD dateModified or the modified-time <meta> tags."""
    return parse_datetime(json_ld, zone, country) or _from_meta(meta, MODIFIED_META, zone, country)


def parse_datetime(
    value: str | None, zone: tzinfo | None = None, country: tuple[tzinfo, ...] = ()
) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp as an aware datetime in the offset it was written with
    (midnight for a bare date); a time without an offset is read in the outlet's zone, and
    one written in UTC takes the outlet's local day (see _aware)."""
    if not value or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
    return _plausible(_aware(parsed, zone, country))


def url_date(
    url: str | None, zone: tzinfo | None = None, country: tuple[tzinfo, ...] = ()
) -> datetime | None:
    """The day written in a URL's path (/2016/11/10/…, /20161110/) as midnight in the outlet's
    zone."""
    path = urlsplit(url or "").path
    if match := _URL_DATE.search(path):
        year, month, day_of_month = match[1], match[3], match[4]
    elif match := _URL_COMPACT_DATE.search(path):
        year, month, day_of_month = match[1], match[2], match[3]
    else:
        return None
    try:
        day = datetime(int(year), int(month), int(day_of_month))
    except ValueError:  # 2017/02/30
        return None
    return _plausible(_aware(day, zone, country))


def feed_entry_date(entry: Mapping[str, Any], zone: tzinfo | None = None) -> datetime | None:
    """A feed entry's publish (else update) time in the offset the feed wrote it with.

    feedparser's parsed struct is in UTC, which moves a story published after midnight east of
    Greenwich to the day before: it is only the fallback, for formats only feedparser reads."""
    for key in ("published", "updated"):
        if parsed := parse_datetime(entry.get(key), zone):
            return parsed
    listed = entry.get("published_parsed") or entry.get("updated_parsed")
    return _plausible(datetime(*listed[:6], tzinfo=UTC)) if listed else None


def copyright_guess(day: date, page_text: str) -> bool:
    """True when a text-search date is the 1 January of a year the page's copyright line names."""
    if (day.month, day.day) != (1, 1):
        return False
    return bool(re.search(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*[-–]\s*)?{day.year}", page_text,
                          re.IGNORECASE))  # fmt: skip


def _first_vote(witnesses: list[datetime], day: date) -> int:
    return next(i for i, witness in enumerate(witnesses) if witness.date() == day)


def _page_voice(readings: Mapping[str, datetime | None]) -> str | None:
    # The page speaks once: the day it prints under the headline, after a publication label,
    # or in its markup. Two of them agreeing outvote the third (a byline that is a blog's
    # latest post, a wiki's meeting); otherwise the printed day comes first.
    markup = next((source for source in _MARKUP if readings[source]), None)
    voices = {s: said for s in ("byline", "label", markup) if s and (said := readings[s])}
    tally = Counter(said.date() for said in voices.values())
    return max(voices, key=lambda s: tally[voices[s].date()], default=None)


def _label_counts(readings: Mapping[str, datetime | None]) -> bool:
    # The labelled day can only decide the page's voice (_page_voice) where the byline is
    # silent or the markup disagrees with it: elsewhere the page is not searched for labels.
    byline = readings["byline"]
    markup = next((readings[source] for source in _MARKUP if readings[source]), None)
    return byline is None or (markup is not None and markup.date() != byline.date())


def _went_out_after_filing(
    url_day: datetime | None, page_time: datetime | None, written: str | None
) -> bool:
    if url_day is None or page_time is None or (as_written := parse_datetime(written)) is None:
        return False
    later = page_time.date() - url_day.date()
    return as_written.utcoffset() != timedelta(0) and timedelta(0) < later <= FILED_BEFORE


def _from_meta(
    meta: Mapping[str, tuple[str, ...]],
    keys: tuple[str, ...],
    zone: tzinfo | None,
    country: tuple[tzinfo, ...],
) -> datetime | None:
    return parse_datetime(_meta_text(meta, keys), zone, country)


def _meta_text(meta: Mapping[str, tuple[str, ...]], keys: tuple[str, ...]) -> str | None:
    # The first value, in the keys' order, that reads as a date.
    for key in keys:
        for value in meta.get(key, ()):
            if parse_datetime(value):
                return value
    return None


def _aware(value: datetime, zone: tzinfo | None, country: tuple[tzinfo, ...]) -> datetime:
    # A value without an offset is read in the outlet's zone (UTC unless configured); one with
    # an offset keeps it, so the publish day stays the day the outlet printed. One written in
    # UTC ("Z", a feed's GMT) says nothing of the outlet's day: its configured zone does;
    # without one, a bare day its country kept as local midnight, or the country's only
    # offset (spiders.region.local_zone).
    if value.tzinfo is None:
        return value.replace(tzinfo=zone or UTC)
    if value.utcoffset() != timedelta(0) or value.time() == time(0):
        return value  # a local time, or a bare day written as UTC midnight: the day as written
    local = zone or local_zone(value, country)
    return value.astimezone(local) if local else value


def _plausible(value: datetime) -> datetime | None:
    latest = datetime.now(UTC) + timedelta(days=1)
    return value if EARLIEST <= value <= latest else None
