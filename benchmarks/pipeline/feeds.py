"""XML of the benchmark site: RSS 2.0, Atom, sitemap indexes, urlsets and Google News sitemaps."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """One article as listed by a feed or sitemap."""

    url: str
    title: str
    summary: str
    author: str
    published: datetime
    modified: datetime


def rss(title: str, home: str, entries: list[Entry]) -> str:
    """An RSS 2.0 channel; links carry tracking parameters, as real feeds' do."""
    items = "".join(
        f"<item><title>{escape(e.title)}</title>"
        f"<link>{escape(e.url)}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">{escape(e.url)}</guid>'
        f"<pubDate>{format_datetime(e.published)}</pubDate>"
        f"<dc:creator>{escape(e.author)}</dc:creator>"
        f"<description>{escape(e.summary)}</description></item>\n"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(home)}</link>"
        f"<description>Latest news from {escape(title)}</description>\n{items}</channel></rss>"
    )


def atom(title: str, self_url: str, entries: list[Entry]) -> str:
    """An Atom feed of the given entries."""
    updated = max((e.modified for e in entries), default=None)
    body = "".join(
        f"<entry><title>{escape(e.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(e.url)}"/>'
        f"<id>{escape(e.url)}</id><published>{e.published.isoformat()}</published>"
        f"<updated>{e.modified.isoformat()}</updated>"
        f"<author><name>{escape(e.author)}</name></author>"
        f"<summary>{escape(e.summary)}</summary></entry>\n"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{escape(title)}</title><link rel="self" href="{escape(self_url)}"/>'
        f"<id>{escape(self_url)}</id>"
        f"<updated>{(updated.isoformat() if updated else '1970-01-01T00:00:00+00:00')}</updated>"
        f"\n{body}</feed>"
    )


def sitemap_index(children: list[tuple[str, datetime | None]]) -> str:
    """A sitemap index of (child URL, lastmod)."""
    entries = "".join(
        f"<sitemap><loc>{escape(url)}</loc>"
        + (f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else "")
        + "</sitemap>\n"
        for url, lastmod in children
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_SITEMAP_NS}">\n'
        f"{entries}</sitemapindex>"
    )


def urlset_gz(entries: list[Entry]) -> bytes:
    """A gzipped urlset with lastmod (mtime 0, so equal content gives equal bytes)."""
    urls = "".join(
        f"<url><loc>{escape(e.url)}</loc><lastmod>{e.modified.isoformat()}</lastmod></url>\n"
        for e in entries
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}">\n{urls}</urlset>'
    return gzip.compress(xml.encode(), compresslevel=6, mtime=0)


def news_sitemap(publication: str, entries: list[Entry]) -> str:
    """A Google News sitemap (the protocol lists only the last two days' articles)."""
    name = escape(publication)
    urls = "".join(
        f"<url><loc>{escape(e.url)}</loc><news:news><news:publication><news:name>{name}"
        f"</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{e.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(e.title)}</news:title></news:news></url>\n"
        for e in entries
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}" '
        f'xmlns:news="{_NEWS_NS}">\n{urls}</urlset>'
    )
