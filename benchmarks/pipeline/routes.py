"""What the benchmark site serves at each path: kind, body and validators (ETag, Last-Modified)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from benchmarks.pipeline import feeds
from benchmarks.pipeline.newsgen import Item, NewsSite
from benchmarks.pipeline.pages import section_html
from benchmarks.pipeline.prose import SECTIONS
from benchmarks.pipeline.site import EMPTY_KEY, OutletSpec

ATOM_ENTRIES = 30  # the Atom feed carries only the latest stories; section pages list them all
NEWS_SITEMAP_AGE = timedelta(hours=48)  # Google News sitemaps list the last two days only
_ROBOTS = b"User-agent: *\nAllow: /\n"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_XML = "application/xml"


@dataclass(frozen=True)
class Resource:
    """One servable response: its kind (for the request counts), type, validators and body."""

    kind: str  # robots | feed | sitemap | section | article
    content_type: str
    etag: str
    last_modified: datetime
    body: Callable[[], bytes]  # rendered only when the answer is not a 304


def resolve(site: NewsSite, path: str) -> Resource | None:
    """The resource at `path`, or None for a 404."""
    if path == "/robots.txt":
        return Resource("robots", "text/plain", '"robots-1"', _EPOCH, lambda: _ROBOTS)
    key, _, rest = path.lstrip("/").partition("/")
    if key == EMPTY_KEY and rest == "rss.xml":
        return _listing("feed", "application/rss+xml", lambda: (feeds.rss("Quiet", "/", []), []))
    outlet = site.by_key.get(key)
    if outlet is None:
        return None
    make = _listing_builder(site, outlet, rest)
    if make is not None:
        kind, content_type, build = make
        return _cached(site, path, kind, content_type, build)
    item = site.item(path)
    if item is None:
        return None
    return Resource("article", "text/html; charset=utf-8", item.etag, item.modified,
                    lambda: site.render(item))  # fmt: skip


Built = tuple[str | bytes, list[Item]]  # the body and the articles it lists


def _listing_builder(
    site: NewsSite, outlet: OutletSpec, rest: str
) -> tuple[str, str, Callable[[], Built]] | None:
    base = f"{site.base_url}/{outlet.key}"
    if rest.startswith("section/") and rest.removeprefix("section/").strip("/") in SECTIONS:
        section = rest.removeprefix("section/").strip("/")
        return "section", "text/html; charset=utf-8", lambda: _section(site, outlet, section)
    routes: dict[tuple[str, str], tuple[str, str, Callable[[], Built]]] = {
        ("rss", "rss.xml"): ("feed", "application/rss+xml", lambda: _rss(site, outlet, base)),
        ("atom", "atom.xml"): ("feed", "application/atom+xml", lambda: _atom(site, outlet, base)),
        ("sitemap", "sitemap-index.xml"): ("sitemap", _XML, lambda: _index(site, outlet, base)),
        ("sitemap", "sitemaps/news.xml"): ("sitemap", _XML, lambda: _news(site, outlet)),
    }
    if (outlet.style, rest) in routes:
        return routes[(outlet.style, rest)]
    month = rest.removeprefix("sitemaps/").removesuffix(".xml.gz")
    if outlet.style == "sitemap" and rest.endswith(".xml.gz") and month in _months(site, outlet):
        return "sitemap", "application/gzip", lambda: _month(site, outlet, month)
    return None


def _cached(
    site: NewsSite, path: str, kind: str, content_type: str, build: Callable[[], Built]
) -> Resource:
    # Rendered once per change of the site, not per request: a crawler asks for every feed
    # and sitemap each run, and a 2,000-item feed takes a while to build.
    generation = site.generation  # read first: a change during the build forces a rebuild
    hit = site.cache.get(path)
    if hit is None or hit[0] != generation:
        body, items = build()
        data = body.encode() if isinstance(body, str) else body
        etag = f'"{hashlib.sha1(data).hexdigest()[:20]}"'  # same content, same ETag
        hit = (generation, data, etag, max((i.modified for i in items), default=_EPOCH))
        site.cache[path] = hit
    _, data, etag, modified = hit
    return Resource(kind, content_type, etag, modified, lambda: data)


def _listing(kind: str, content_type: str, build: Callable[[], Built]) -> Resource:
    body, items = build()
    data = body.encode() if isinstance(body, str) else body
    etag = f'"{hashlib.sha1(data).hexdigest()[:20]}"'
    return Resource(kind, content_type, etag, _EPOCH, lambda: data)


def entry(site: NewsSite, item: Item) -> feeds.Entry:
    """The item as a feed or sitemap entry."""
    story = item.story
    return feeds.Entry(site.url(item), story.title, story.dek, story.author, item.published,
                       item.modified)  # fmt: skip


def _rss(site: NewsSite, outlet: OutletSpec, base: str) -> Built:
    items = site.items(outlet)
    return feeds.rss(outlet.name, f"{base}/", [entry(site, i) for i in items]), items


def _atom(site: NewsSite, outlet: OutletSpec, base: str) -> Built:
    items = site.items(outlet)[:ATOM_ENTRIES]
    return feeds.atom(outlet.name, f"{base}/atom.xml", [entry(site, i) for i in items]), items


def _months(site: NewsSite, outlet: OutletSpec) -> dict[str, list[Item]]:
    months: dict[str, list[Item]] = {}
    for item in site.items(outlet):
        months.setdefault(f"{item.published:%Y-%m}", []).append(item)
    return months


def _index(site: NewsSite, outlet: OutletSpec, base: str) -> Built:
    months = _months(site, outlet)
    children = [(f"{base}/sitemaps/{month}.xml.gz", max(i.modified for i in items))
                for month, items in sorted(months.items(), reverse=True)]  # fmt: skip
    children.append((f"{base}/sitemaps/news.xml", None))
    return feeds.sitemap_index(children), site.items(outlet)


def _month(site: NewsSite, outlet: OutletSpec, month: str) -> Built:
    items = _months(site, outlet)[month]
    return feeds.urlset_gz([entry(site, i) for i in items]), items


def _news(site: NewsSite, outlet: OutletSpec) -> Built:
    since = datetime.now(UTC) - NEWS_SITEMAP_AGE
    items = [i for i in site.items(outlet) if i.published >= since]
    return feeds.news_sitemap(outlet.name, [entry(site, i) for i in items]), items


def _section(site: NewsSite, outlet: OutletSpec, section: str) -> Built:
    items = [i for i in site.items(outlet) if i.story.section == section]
    teasers = [(i.story.title, i.path, i.story.dek) for i in items]
    return section_html(site.chrome(outlet), section, teasers), items
