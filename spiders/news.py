"""The generic `news` spider: outlet feeds, sitemaps and section pages -> clean article items."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import struct_time
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from twisted.internet import error as neterror
from twisted.python.failure import Failure

from spiders.extract import clean_page
from spiders.items import ArticleRecord
from spiders.urls import canonical_url, is_http_url

logger = logging.getLogger(__name__)

# Without an `allow` regex, a same-site link is taken for an article when its last path
# segment is a slug of 3+ words ("mayor-signs-budget") or the path holds a 4+ digit
# segment (a date or an id) below a section ("/news/2024/…", "/world/123456").
_SLUG_SEPARATORS = re.compile(r"[-_]+")
_NUMERIC = re.compile(r"/\d{4,}(?:/|$)")

# Exception class -> error kind recorded in `newswatch/<outlet>/failed/<kind>`.
_ERROR_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, neterror.DNSLookupError), "dns"),
    ((DownloadTimeoutError, neterror.TimeoutError, neterror.TCPTimedOutError), "timeout"),
    ((DownloadConnectionRefusedError, neterror.ConnectError), "connection"),
    (ResponseDataLossError, "data_loss"),
)


@dataclass(frozen=True)
class OutletRules:
    """Where one outlet's articles are discovered and which URLs count as its articles."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    allow: re.Pattern[str] | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutletRules:
        """Build from an outlet config entry (name, feeds, sitemaps, pages, allow)."""
        allow = data.get("allow")
        return cls(
            name=data["name"],
            feeds=tuple(data.get("feeds") or ()),
            sitemaps=tuple(data.get("sitemaps") or ()),
            pages=tuple(data.get("pages") or ()),
            allow=re.compile(allow) if allow else None,
        )

    def accepts(self, url: str) -> bool:
        """True when `url` may be one of this outlet's articles (its `allow` regex matches)."""
        return self.allow is None or bool(self.allow.search(url))


class NewsSpider(scrapy.Spider):
    """Discover every outlet's article URLs, skip the known ones, fetch and clean the rest."""

    name = "news"

    def __init__(self, outlets: str, known: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entries = json.loads(Path(outlets).read_text(encoding="utf-8"))
        self.rules = {entry["name"]: OutletRules.from_dict(entry) for entry in entries}
        self.known = set(Path(known).read_text(encoding="utf-8").split()) if known else set()
        self.requested: set[str] = set()  # canonical article URLs seen in this crawl
        self.emitted: set[str] = set()  # canonical URLs of the records yielded

    async def start(self) -> AsyncIterator[Request]:
        """One request per feed, sitemap and section page of every outlet."""
        for outlet in self.rules.values():
            for url in outlet.feeds:
                yield self._source(url, outlet.name, self.parse_feed)
            for url in outlet.sitemaps:
                yield self._source(url, outlet.name, self.parse_sitemap)
            for url in outlet.pages:
                yield self._source(url, outlet.name, self.parse_page)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 or Atom: every entry's link is a candidate article."""
        feed = feedparser.parse(response.body, response_headers={"content-location": response.url})
        if not feed.entries and feed.bozo:
            self._fail(response.meta["outlet"], "bad_feed", response.url)
            return
        for entry in feed.entries:
            listed = entry.get("published_parsed") or entry.get("updated_parsed")
            yield from self._articles(response, entry.get("link"), _from_struct(listed))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap index (recurse), urlset or Google News sitemap, gzipped or not."""
        outlet = response.meta["outlet"]
        sitemap = self._sitemap(response)
        if sitemap is None:
            self._fail(outlet, "bad_sitemap", response.url)
        elif sitemap.type == "sitemapindex":
            for entry in sitemap:
                yield self._source(urljoin(response.url, entry["loc"]), outlet, self.parse_sitemap)
        else:
            for entry in sitemap:
                yield from self._articles(response, entry["loc"], _from_iso(entry.get("lastmod")))

    def parse_page(self, response: Response) -> Iterator[Request]:
        """Section/listing page: same-host links that look like the outlet's articles."""
        if not isinstance(response, TextResponse):
            self._fail(response.meta["outlet"], "not_html", response.url)
            return
        host = urlsplit(response.url).netloc
        outlet = self.rules[response.meta["outlet"]]
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if url == response.url or urlsplit(url).netloc != host:
                continue
            if outlet.allow is not None or _looks_like_article(urlsplit(url).path):
                yield from self._articles(response, url, None)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """Clean one article page into an ArticleRecord item; listing pages are only counted."""
        outlet = response.meta["outlet"]
        self._count(outlet, "fetched")
        clean = None
        if isinstance(response, TextResponse):
            try:
                clean = clean_page(response.text, response.url)
            except Exception:  # one unparseable page must not end the crawl
                logger.exception("%s: cannot clean %s", outlet, response.url)
                self._fail(outlet, "extract", response.url)
                return
        if clean is None:
            self._count(outlet, "not_article")
            return
        url = _identity(response.url, clean.canonical_url)
        if url in self.emitted:  # two links, one rel=canonical
            self._count(outlet, "duplicate")
            return
        self.emitted.add(url)
        self._count(outlet, "articles")
        published = _utc(clean.published_at) or _from_iso(response.meta.get("listed_at"))
        record = ArticleRecord(
            url=url, fetched_url=response.url, outlet=outlet, title=clean.title,
            text=clean.text, author=clean.author, published_at=published,
            language=clean.language,
        )  # fmt: skip
        yield {**asdict(record), "published_at": published.isoformat() if published else None}

    def on_error(self, failure: Failure) -> None:
        """Count a failed request (DNS, connection, timeout, HTTP status, robots.txt…)."""
        request = failure.request  # type: ignore[attr-defined]
        self._fail(request.meta.get("outlet", "?"), _error_kind(failure.value), request.url)

    def _source(self, url: str, outlet: str, callback: Any) -> Request:
        return Request(url, callback, errback=self.on_error, meta={"outlet": outlet})

    def _articles(
        self, response: Response, link: str | None, listed_at: datetime | None
    ) -> Iterable[Request]:
        outlet = self.rules[response.meta["outlet"]]
        url = urljoin(response.url, link.strip()) if link else ""
        if not is_http_url(url):
            return
        url = canonical_url(url)
        if not outlet.accepts(url) or url in self.requested:
            return
        self.requested.add(url)
        self._count(outlet.name, "discovered")
        if url in self.known:
            self._count(outlet.name, "known")
            return
        meta = {"outlet": outlet.name, "listed_at": listed_at.isoformat() if listed_at else None}
        yield Request(url, self.parse_article, errback=self.on_error, meta=meta)

    def _sitemap(self, response: Response) -> Sitemap | None:
        body = response.body
        if gzip_magic_number(response):
            max_size = response.meta.get(
                "download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE")
            )
            try:
                body = gunzip(body, max_size=max_size)
            except (ValueError, OSError, EOFError):  # over max_size, or not really gzip
                return None
        elif not (isinstance(response, XmlResponse) or body.lstrip()[:1] == b"<"):
            return None
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml gives up on some garbage despite recover=True
            return None
        return sitemap if sitemap.type in {"sitemapindex", "urlset"} else None

    def _count(self, outlet: str, what: str) -> None:
        self.crawler.stats.inc_value(f"newswatch/{outlet}/{what}")

    def _fail(self, outlet: str, kind: str, url: str) -> None:
        logger.warning("%s: %s failed: %s", outlet, url, kind)
        self._count(outlet, "failed")
        self._count(outlet, f"failed/{kind}")


def _looks_like_article(path: str) -> bool:
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    words = [w for w in _SLUG_SEPARATORS.split(segments[-1].rsplit(".", 1)[0]) if w]
    return len(words) >= 3 or (len(segments) >= 2 and bool(_NUMERIC.search(path)))


def _identity(fetched_url: str, declared: str | None) -> str:
    # A rel=canonical on another host (a syndication partner, an AMP mirror's origin) would
    # file this outlet's copy under someone else's URL: only same-host declarations count.
    if declared:
        declared = urljoin(fetched_url, declared)
        if _host(declared) == _host(fetched_url) and is_http_url(declared):
            return canonical_url(declared)
    return canonical_url(fetched_url)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        return "robots" if "robots.txt" in str(exc) else "ignored"
    for classes, kind in _ERROR_KINDS:
        if isinstance(exc, classes):
            return kind
    return type(exc).__name__.lower()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _from_iso(value: str | None) -> datetime | None:
    try:
        return _utc(datetime.fromisoformat(value.strip())) if value else None
    except ValueError:
        return None


def _from_struct(value: struct_time | None) -> datetime | None:
    # feedparser normalises entry dates to UTC struct_time.
    return datetime(*value[:6], tzinfo=UTC) if value else None
