"""The generic `news` spider: outlet feeds, sitemaps and section pages -> clean article items."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import scrapy
from lxml import etree
from scrapy import signals
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from spiders.dates import feed_entry_date, parse_datetime
from spiders.excludes import Excludes, compile_excludes
from spiders.extract import clean_page
from spiders.failures import error_kind, loggable_url
from spiders.incremental import FetchLog, load_conditional
from spiders.items import ArticleRecord
from spiders.limits import CLEAN_SECONDS, CleaningLimit, deadline
from spiders.pages import save_page
from spiders.politeness import slot_key, slot_settings
from spiders.safety import AddressPolicy
from spiders.sitemaps import read_sitemap
from spiders.urls import canonical_url, fold_key, is_http_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Without an `allow` regex, a same-site link is taken for an article when its last path
# segment is a slug of 3+ words ("mayor-signs-budget") or the path holds a 4+ digit
# segment (a date or an id) below a section ("/news/2024/…", "/world/123456").
_SLUG_SEPARATORS = re.compile(r"[-_]+")
_NUMERIC = re.compile(r"/\d{4,}(?:/|$)")


# Failed URLs kept per outlet for the run report (all of them are in the crawl log).
MAX_FAILURE_SAMPLES = 10


@dataclass(frozen=True)
class OutletRules:
    """Where one outlet's articles are discovered and which URLs count as its articles."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    allow: re.Pattern[str] | None = None
    delay: float | None = None  # seconds between requests to its hosts, instead of the default
    zone: tzinfo | None = None  # configured: for dates its pages write without an offset or in UTC
    concurrency: int | None = None  # parallel requests to each of its hosts
    policy: AddressPolicy = field(default_factory=AddressPolicy)  # where its links may lead
    excludes: Excludes = ()  # its elements to cut before cleaning, compiled once per crawl

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutletRules:
        """Build from an outlet config entry; `intranet: true` lets it reach private addresses."""
        allow, delay, concurrency = data.get("allow"), data.get("delay"), data.get("concurrency")
        feeds, sitemaps, pages = (
            tuple(data.get(key) or ()) for key in ("feeds", "sitemaps", "pages")
        )
        return cls(
            name=data["name"],
            feeds=feeds,
            sitemaps=sitemaps,
            pages=pages,
            allow=re.compile(allow) if allow else None,
            delay=None if delay is None else max(0.0, float(delay)),
            concurrency=None if concurrency is None else max(1, int(concurrency)),
            zone=ZoneInfo(data["timezone"]) if data.get("timezone") else None,
            policy=AddressPolicy.for_sources(
                (*feeds, *sitemaps, *pages), bool(data.get("intranet"))
            ),
            excludes=compile_excludes(data.get("exclude") or ()),
        )

    @property
    def sources(self) -> tuple[str, ...]:
        """Its configured feed, sitemap and page URLs."""
        return (*self.feeds, *self.sitemaps, *self.pages)

    def accepts(self, url: str) -> bool:
        """True when `url` may be one of this outlet's articles (its `allow` regex matches)."""
        return self.allow is None or bool(self.allow.search(url))


class NewsSpider(scrapy.Spider):
    """Discover every outlet's article URLs, skip the known ones, fetch and clean the rest."""

    name = "news"

    def __init__(
        self, outlets: str, known: str = "", conditional: str = "", *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        entries = json.loads(Path(outlets).read_text(encoding="utf-8"))
        self.rules = {entry["name"]: OutletRules.from_dict(entry) for entry in entries}
        # Stored articles by fold key: an http/https, www/m/amp or trailing-slash variant of a
        # known article is the known article.
        known_urls = Path(known).read_text(encoding="utf-8").split() if known else []
        self.known = {fold_key(url) for url in known_urls}
        # Validators of feeds, sitemaps and articles seen before; known articles due again.
        self.validators, self.revisits = load_conditional(conditional)
        self.fetch_log = FetchLog("")
        self.pages_dir: Path | None = None  # where article pages are kept for re-cleaning
        self.clean_seconds = CLEAN_SECONDS  # deadline for cleaning one page
        self.failure_samples: dict[str, list[tuple[str, str]]] = {}  # outlet -> (kind, URL)
        self.requested: set[str] = set()  # fold keys of the article URLs seen in this crawl
        self.emitted: set[str] = set()  # fold keys of the records yielded

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Build the spider, then give outlets with their own delay/concurrency their slots."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        slots = {
            **crawler.settings.getdict("DOWNLOAD_SLOTS"),
            **slot_settings(spider.rules.values()),
        }
        crawler.settings.set("DOWNLOAD_SLOTS", slots, priority="spider")  # not frozen yet
        crawler.signals.connect(spider.bytes_received, signal=signals.bytes_received)
        spider.fetch_log = FetchLog(crawler.settings.get("NEWSWATCH_FETCH_LOG", ""))
        if pages := crawler.settings.get("NEWSWATCH_PAGES_DIR"):
            spider.pages_dir = Path(pages)
        spider.clean_seconds = crawler.settings.getfloat("NEWSWATCH_CLEAN_SECONDS", CLEAN_SECONDS)
        return spider

    def closed(self, reason: str) -> None:
        """Hand the responses' validators to the parent, for the next run's conditional requests,
        and the failed URLs to the stats file, so the run report can say where."""
        self.fetch_log.write()
        for outlet, samples in self.failure_samples.items():
            self.crawler.stats.set_value(f"newswatch/{outlet}/failure_urls", samples)

    async def start(self) -> AsyncIterator[Request]:
        """One request per feed, sitemap and section page of every outlet."""
        for outlet in self.rules.values():
            for urls, callback, kind in (
                (outlet.feeds, self.parse_feed, "feed"),
                (outlet.sitemaps, self.parse_sitemap, "sitemap"),
                (outlet.pages, self.parse_page, "page"),
            ):
                for url in urls:
                    for request in self._sources(url, outlet.name, callback, listed_by=kind):
                        yield request
        for revisit in self.revisits:  # known articles fetched again to catch updates
            if revisit.outlet in self.rules and fold_key(revisit.url) not in self.requested:
                self.requested.add(fold_key(revisit.url))
                self._count(revisit.outlet, "revisited")
                meta = {"outlet": revisit.outlet, "download_slot": slot_key(revisit.url)}
                yield self._conditional(Request(revisit.url, self.parse_article,
                                                errback=self.on_error, meta=meta))  # fmt: skip

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS 2.0 or Atom: every entry's link is a candidate article."""
        if self._not_modified(response):
            return
        # Always a stream: feedparser opens a str or bytes argument as a local path (or fetches
        # it as a URL) when it looks like one, so a feed body could make us read our own disk.
        body = BytesIO(response.body)
        feed = feedparser.parse(body, response_headers={"content-location": response.url})
        if not feed.entries and feed.bozo:
            self._fail(response.meta["outlet"], "bad_feed", response.url)
            return
        zone = self.rules[response.meta["outlet"]].zone
        for entry in feed.entries:
            yield from self._articles(response, entry.get("link"), feed_entry_date(entry, zone))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap index (recurse, bounded), urlset or Google News sitemap, gzipped or not."""
        if self._not_modified(response):
            return
        outlet = response.meta["outlet"]
        max_size = response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap, problem = read_sitemap(response, max_size)
        if sitemap is None:
            self._fail(outlet, problem, response.url)
            return
        entries = self._sitemap_entries(sitemap, outlet, response.url)
        if sitemap.type == "sitemapindex":
            # Children change without their index changing: read it in full every run, and
            # ask each child conditionally instead.
            self.fetch_log.forget_validators(response.request.url)
            yield from self._child_sitemaps(response, entries)
            return
        zone = self.rules[outlet].zone
        for entry in entries:
            lastmod = parse_datetime(entry.get("lastmod"), zone)  # in the offset it was written
            yield from self._articles(response, entry.get("loc"), lastmod)

    def parse_page(self, response: Response) -> Iterator[Request]:
        """Section/listing page: same-host links that look like the outlet's articles."""
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self._fail(response.meta["outlet"], "not_html", response.url)
            return
        host = urlsplit(response.url).netloc
        outlet = self.rules[response.meta["outlet"]]
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            # mailto:, javascript: and other-host links are everyday page furniture, not faults.
            if url == response.url or urlsplit(url).netloc != host:
                continue
            if outlet.allow is not None or _looks_like_article(urlsplit(url).path):
                yield from self._articles(response, url, None)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """Clean one article page into an ArticleRecord item; listing pages are only counted."""
        outlet = response.meta["outlet"]
        if self._not_modified(response):
            self._count(outlet, "article_not_modified")
            return
        self._count(outlet, "fetched")
        if not isinstance(response, TextResponse):  # a PDF, an image, a video file
            self._count(outlet, "unclean")
            self._fail(outlet, "not_html", response.url)
            return
        listed_at = parse_datetime(response.meta.get("listed_at"))  # offset as listed
        from_feed = response.meta.get("listed_by") == "feed"
        rules = self.rules[outlet]
        try:
            with deadline(self.clean_seconds):
                clean = clean_page(
                    response.text, response.url, feed_published=listed_at if from_feed else None,
                    zone=rules.zone, exclude=rules.excludes,
                )  # fmt: skip
        except CleaningLimit as exc:  # a bomb of a tree, or a page that never finishes
            logger.warning("%s: cannot clean %s: %s", outlet, loggable_url(response.url), exc)
            self._count(outlet, "unclean")
            self._fail(outlet, exc.kind, response.url)
            return
        except Exception:  # one unparseable page must not end the crawl
            logger.exception("%s: cannot clean %s", outlet, loggable_url(response.url))
            self._count(outlet, "unclean")
            self._fail(outlet, "extract", response.url)
            return
        if clean is None:
            self._count(outlet, "not_article")
            return
        url = _identity(response.url, clean.canonical_url)
        key = fold_key(url)
        if key in self.emitted:  # two links (or editions), one article
            self._count(outlet, "duplicate")
            return
        self.emitted.add(key)
        self._count(outlet, "articles")
        # Kept in the offset the page wrote: storage keeps the UTC instant and that offset.
        published, source = clean.published_at, clean.published_source
        if published is None and listed_at is not None:  # a sitemap's lastmod, the last resort
            published, source = listed_at, "sitemap"
        record = ArticleRecord(
            url=url, fetched_url=response.url, outlet=outlet, title=clean.title,
            text=clean.text, author=clean.author, published_at=published,
            language=clean.language, authors=clean.authors, published_source=source,
            modified_at=_utc(clean.modified_at),
        )  # fmt: skip
        self._keep_page(outlet, record.url, response.text)
        yield record.to_dict()  # datetimes as ISO strings: Scrapy's encoder drops their zone

    def on_error(self, failure: Failure) -> None:
        """Count a failed request (DNS, timeout, HTTP status, robots.txt, blocked address…)."""
        request = failure.request  # type: ignore[attr-defined]
        kind = error_kind(failure.value)
        max_size = request.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        if kind == "cancelled" and request.meta.get("received_bytes", 0) > max_size:
            kind = "too_large"  # Scrapy stops a body that outgrows the limit with a bare cancel
        outlet = request.meta.get("outlet", "?")
        if request.callback == self.parse_article:  # an article, not a feed/sitemap/page
            self._count(outlet, "article_failed")
        self._fail(outlet, kind, request.url)

    def bytes_received(self, data: bytes, request: Request) -> None:
        """Keep count of a body's bytes, to tell a download stopped for its size."""
        request.meta["received_bytes"] = request.meta.get("received_bytes", 0) + len(data)

    def _keep_page(self, outlet: str, url: str, html: str) -> None:
        """Save the page for re-cleaning; a page that cannot be saved costs only itself."""
        if self.pages_dir is None:
            return
        try:
            save_page(self.pages_dir, url, html)
        except OSError as exc:  # a full disk must not lose the article: its record still goes
            logger.warning("%s: cannot keep the page of %s: %s", outlet, loggable_url(url), exc)
            self._count(outlet, "page_not_kept")

    def _sources(self, url: str, outlet: str, callback: Any, **meta: Any) -> Iterator[Request]:
        if not is_http_url(url):  # file:, data:, ftp: … never leave the spider
            self._fail(outlet, "bad_scheme", url)
            return
        meta = {"outlet": outlet, "download_slot": slot_key(url), **meta}
        yield self._conditional(Request(url, callback, errback=self.on_error, meta=meta))

    def _conditional(self, request: Request) -> Request:
        """Send the URL's validators, if any, and take a 304 answer to the callback."""
        validators = self.validators.get(request.url)
        headers = validators.headers() if validators else {}
        if not headers:
            return request
        request.headers.update(headers)
        request.meta["handle_httpstatus_list"] = [304]
        return request

    def _not_modified(self, response: Response) -> bool:
        """Log the response for the next run; True (and counted) when it is a 304."""
        outlet = response.meta["outlet"]
        self.fetch_log.add(response, outlet)
        if response.status != 304:
            return False
        self._count(outlet, "not_modified")
        return True

    def _articles(
        self, response: Response, link: str | None, listed_at: datetime | None
    ) -> Iterable[Request]:
        outlet = self.rules[response.meta["outlet"]]
        if not link or not link.strip():
            return
        # Every listed link lands in exactly one bucket: bad link, outside `allow`, repeated,
        # known (skipped) or requested; discovered = known + requested (see the README).
        self._count(outlet.name, "listed")
        url = urljoin(response.url, link.strip())
        if not is_http_url(url):
            self._count(outlet.name, "bad_link")
            self._fail(outlet.name, "bad_scheme", url)
            return
        url = canonical_url(url)
        key = fold_key(url)
        if not outlet.accepts(url):
            self._count(outlet.name, "outside_allow")
            return
        if key in self.requested:
            self._count(outlet.name, "repeated")
            return
        self.requested.add(key)
        self._count(outlet.name, "discovered")
        if key in self.known:
            self._count(outlet.name, "known")
            return
        self._count(outlet.name, "requested")
        meta = {
            "outlet": outlet.name,
            "listed_at": listed_at.isoformat() if listed_at else None,
            "listed_by": response.meta.get("listed_by"),
            "download_slot": slot_key(url),  # lets the scheduler spread requests over hosts
        }
        yield Request(url, self.parse_article, errback=self.on_error, meta=meta)

    def _child_sitemaps(
        self, response: Response, entries: Iterable[dict[str, Any]]
    ) -> Iterator[Request]:
        outlet = response.meta["outlet"]
        chain = (*response.meta.get("sitemap_chain", ()), response.url)
        if len(chain) > self.settings.getint("NEWSWATCH_SITEMAP_MAX_DEPTH"):
            self._fail(outlet, "sitemap_depth", response.url)
            return
        ancestors = {canonical_url(url) for url in chain}
        for entry in entries:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            url = urljoin(response.url, loc)
            if is_http_url(url) and canonical_url(url) in ancestors:
                self._fail(outlet, "sitemap_cycle", url)
                continue
            yield from self._sources(
                url, outlet, self.parse_sitemap, sitemap_chain=chain, listed_by="sitemap"
            )

    def _sitemap_entries(self, sitemap: Sitemap, outlet: str, url: str) -> Iterator[dict[str, Any]]:
        limit = self.settings.getint("NEWSWATCH_SITEMAP_MAX_URLS")
        try:
            for count, entry in enumerate(sitemap):
                if count == limit:
                    self._fail(outlet, "sitemap_max_urls", url)
                    return
                yield entry
        except etree.LxmlError:  # garbage halfway through the file
            self._fail(outlet, "bad_sitemap", url)

    def _count(self, outlet: str, what: str) -> None:
        self.crawler.stats.inc_value(f"newswatch/{outlet}/{what}")

    def _fail(self, outlet: str, kind: str, url: str) -> None:
        logger.warning("%s: %s failed: %s", outlet, loggable_url(url), kind)
        self._count(outlet, "failed")
        self._count(outlet, f"failed/{kind}")
        samples = self.failure_samples.setdefault(outlet, [])
        if len(samples) < MAX_FAILURE_SAMPLES:  # a few per outlet say where; the log has all
            samples.append((kind, loggable_url(url)))


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
    # The site, whichever edition: an AMP or mobile page may declare its www. original.
    return fold_key(url).partition("/")[0]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
