"""Cleaning: when an article was published and last updated, in UTC, and where that was read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime

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
# Where a publish date came from, most trustworthy first; "feed" is the caller's listing date.
SOURCES = ("json-ld", "meta", "feed", "url", "page")
# Older than the web's news sites, or later than tomorrow: a parsing accident, not a date.
EARLIEST = datetime(1994, 1, 1, tzinfo=UTC)
# /2016/11/10/ or /2016-11-10-: a day in the path. Month-only paths (/2016/11/) say too little.
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})([/-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)


def publish_time(
    *,
    json_ld: str | None,
    meta: Mapping[str, tuple[str, ...]],
    feed: datetime | None,
    url: str | None,
    page: str | None,
    zone: tzinfo = UTC,
) -> tuple[datetime | None, str | None]:
    """The publish time and its source (one of SOURCES), or (None, None) when nothing says.

    `zone` is the outlet's time zone, for times written without an offset."""
    # Never an extensive text search: a "© 2024" footer is not a publish date.
    candidates = (
        ("json-ld", lambda: parse_datetime(json_ld, zone)),
        ("meta", lambda: _from_meta(meta, PUBLISHED_META, zone)),
        ("feed", lambda: _plausible(_utc(feed, zone)) if feed else None),
        ("url", lambda: url_date(url)),
        ("page", lambda: parse_datetime(page, zone)),
    )
    for source, read in candidates:
        if value := read():
            return value, source
    return None, None


def update_time(
    *, json_ld: str | None, meta: Mapping[str, tuple[str, ...]], zone: tzinfo = UTC
) -> datetime | None:
    """The last-update time from JSON-LD dateModified or the modified-time <meta> tags."""
    return parse_datetime(json_ld, zone) or _from_meta(meta, MODIFIED_META, zone)


def parse_datetime(value: str | None, zone: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp as an aware UTC datetime (midnight for a bare date);
    a time without an offset is read in `zone`."""
    if not value or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError):
            return None
    return _plausible(_utc(parsed, zone))


def url_date(url: str | None) -> datetime | None:
    """The day written in a URL's path (/2016/11/10/…) as midnight UTC."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return _plausible(datetime(int(match[1]), int(match[3]), int(match[4]), tzinfo=UTC))
    except ValueError:  # 2017/02/30
        return None


def _from_meta(
    meta: Mapping[str, tuple[str, ...]], keys: tuple[str, ...], zone: tzinfo
) -> datetime | None:
    for key in keys:
        for value in meta.get(key, ()):
            if parsed := parse_datetime(value, zone):
                return parsed
    return None


def _utc(value: datetime, zone: tzinfo = UTC) -> datetime:
    # A value without an offset is read in the outlet's zone (UTC unless configured).
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _plausible(value: datetime) -> datetime | None:
    latest = datetime.now(UTC) + timedelta(days=1)
    return value if EARLIEST <= value <= latest else None
