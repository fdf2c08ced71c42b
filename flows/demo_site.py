"""A fake three-outlet news site on 127.0.0.1 for `newswatch demo`, the tests and benchmarks."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from flows.loopback import LoopbackServer

WATCHLIST = {
    "name": "us-russia-syria",
    "query": '(Russia OR Kremlin) AND (Syria OR ISIS OR "Islamic State")',
}
# Phrases found only in the site chrome (appeals, sign-up, related links, comments, footer):
# none may reach an article's clean text.
BOILERPLATE_MARKERS = (
    "Support independent journalism", "Donate now", "Morning Briefing", "Related coverage",
    "Reader comments", "mark my words", "Log in to join", "All rights reserved",
    "We use cookies", "Breaking:",
)  # fmt: skip
ROBOTS_DISALLOWED = ("/private/", "/ledger/drafts/")
# The demo watchlist's max_age (the Watchlist default): older matching stories store silently.
MAX_AGE = timedelta(days=3)

_DATA = Path(__file__).parent / "demo_data"
_WATCH_ANY = re.compile(r"\b(?:russia|kremlin)\b", re.IGNORECASE)
_WATCH_ALL = re.compile(r"\b(?:syria|isis|islamic\s+state)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DemoArticle:
    """One page of the demo site; kind is "article", "gallery" (no text) or "draft" (robots)."""

    outlet_key: str
    kind: str
    slug: str
    title: str
    author: str
    published_at: datetime
    paragraphs: tuple[str, ...]
    syndicated_from: str | None = None  # slug of the wire story this is a copy of

    @property
    def path(self) -> str:
        """The canonical path, following each outlet's URL scheme."""
        if self.outlet_key == "gazette":
            return f"/gazette/news/{self.slug}.html"
        if self.outlet_key == "wire":
            return f"/wire/{self.published_at:%Y/%m/%d}/{self.slug}"
        folder = "drafts" if self.kind == "draft" else "world"
        return f"/ledger/{folder}/{self.published_at:%Y/%m}/{self.slug}"

    @property
    def text(self) -> str:
        """The body as clean text, one paragraph per line."""
        return "\n".join(self.paragraphs)

    def matches_watchlist(self) -> bool:
        """True when title or body match the demo WATCHLIST query."""
        content = f"{self.title}\n{self.text}"
        return bool(_WATCH_ANY.search(content) and _WATCH_ALL.search(content))


class DemoSite(LoopbackServer):
    """Gazette (RSS), Wire (sitemap index: gzipped + news sitemap), Ledger (Atom + section page).

    Publish dates are relative to `now` (default: when the site is made), as they were to the
    data's own "now": the recent stories stay recent, the archive stays old. Fixed for the
    site's life, so pages and their ETags do not change between crawls.
    """

    def __init__(self, now: datetime | None = None) -> None:
        super().__init__()
        data = _site_data()
        self.now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        shift = self.now - datetime.fromisoformat(data["now"])
        self.outlet_info: dict[str, dict[str, str]] = data["outlets"]
        pages = (_page_from_dict(page, shift) for page in data["pages"])
        self._pages = {page.path: page for page in pages}
        self._requests: list[str] = []
        self._statuses: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self.base_url = ""

    def start(self) -> str:
        """Serve on a free port of 127.0.0.1 in a background thread; return the base URL."""
        self.serve(_Handler)
        self.base_url = f"http://127.0.0.1:{self.port}"
        return self.base_url

    def outlets(self) -> list[dict[str, Any]]:
        """Outlet config entries (name, feeds, sitemaps, pages, allow) for the running site."""
        base, info = self.base_url, self.outlet_info
        return [
            {"name": info["gazette"]["name"], "feeds": [f"{base}/gazette/rss.xml"],
             "sitemaps": [], "pages": [], "allow": None},
            {"name": info["wire"]["name"], "feeds": [],
             "sitemaps": [f"{base}/wire/sitemap-index.xml"], "pages": [],
             "allow": r"/wire/\d{4}/\d{2}/\d{2}/"},
            {"name": info["ledger"]["name"], "feeds": [f"{base}/ledger/atom.xml"],
             "sitemaps": [], "pages": [f"{base}/ledger/world/"],
             "allow": r"/ledger/\w+/\d{4}/\d{2}/"},
        ]  # fmt: skip

    def url(self, page: DemoArticle) -> str:
        """The canonical URL of a page on the running site."""
        return self.base_url + page.path

    def articles(self, kind: str = "article") -> list[DemoArticle]:
        """The pages of one kind, newest first."""
        with self._lock:
            pages = [page for page in self._pages.values() if page.kind == kind]
        return sorted(pages, key=lambda page: page.published_at, reverse=True)

    def outlet_name(self, page: DemoArticle) -> str:
        """The display name of the outlet that published `page`."""
        return self.outlet_info[page.outlet_key]["name"]

    def matching_articles(self) -> set[str]:
        """Canonical URLs of the articles whose own title and body match WATCHLIST."""
        return {self.url(page) for page in self.articles() if page.matches_watchlist()}

    def expected_matches(self) -> set[str]:
        """Canonical URLs the demo watchlist alerts on: one per story published within MAX_AGE.

        A story's alert is carried by its earliest-published matching copy (ties: by URL),
        the order newswatch stores a run's articles in; syndicated copies add no alert.
        """
        alerted: dict[str, str] = {}
        for page in sorted(self.articles(), key=lambda p: (p.published_at, self.url(p))):
            story = page.syndicated_from or page.slug
            fresh = self.now - page.published_at <= MAX_AGE
            if page.matches_watchlist() and fresh and story not in alerted:
                alerted[story] = self.url(page)
        return set(alerted.values())

    def publish(
        self,
        outlet_key: str,
        slug: str,
        title: str,
        paragraphs: list[str],
        published_at: datetime,
        author: str = "Staff reporter",
    ) -> str:
        """Add an article; it appears in its outlet's feed/sitemap. Returns its canonical URL."""
        if outlet_key not in self.outlet_info:
            raise ValueError(f"unknown outlet {outlet_key!r} (known: {sorted(self.outlet_info)})")
        page = DemoArticle(outlet_key, "article", slug, title, author, published_at,
                           tuple(paragraphs))  # fmt: skip
        with self._lock:
            if page.path in self._pages:
                raise ValueError(f"{page.path} already exists")
            self._pages[page.path] = page
        return self.url(page)

    def edit(self, url: str, paragraphs: list[str], title: str | None = None) -> None:
        """Replace the body (and the headline, if given) of the article at `url` (or path)."""
        path = urlsplit(url).path
        with self._lock:
            page = self._pages[path]
            self._pages[path] = replace(
                page, paragraphs=tuple(paragraphs), title=title or page.title
            )

    @property
    def requests(self) -> list[str]:
        """Every request path (with query) served so far, in order."""
        with self._lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._requests.clear()
            self._statuses.clear()

    @property
    def statuses(self) -> list[tuple[str, int]]:
        """(path with query, status) of every response served so far, in order."""
        with self._lock:
            return list(self._statuses)

    def respond(self, raw_path: str, if_none_match: str | None) -> tuple[int, str, bytes, str]:
        """Render a response with its ETag; 304 and no body when the client's copy is current."""
        status, content_type, body = self.handle(raw_path)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if status == 200 and if_none_match == etag:
            status, body = 304, b""
        with self._lock:
            self._statuses.append((raw_path, status))
        return status, content_type, body, etag

    def handle(self, raw_path: str) -> tuple[int, str, bytes]:
        """Record a request and render its response: (status, content type, body)."""
        with self._lock:
            self._requests.append(raw_path)
        path = urlsplit(raw_path).path
        routes = {
            "/robots.txt": lambda: ("text/plain", _robots()),
            "/gazette/rss.xml": lambda: ("application/rss+xml", self._rss()),
            "/wire/sitemap-index.xml": lambda: ("application/xml", self._sitemap_index()),
            "/wire/sitemaps/articles.xml.gz": lambda: ("application/gzip", self._gz_sitemap()),
            "/wire/sitemaps/news.xml": lambda: ("application/xml", self._news_sitemap()),
            "/ledger/atom.xml": lambda: ("application/atom+xml", self._atom()),
            "/ledger/world/": lambda: ("text/html; charset=utf-8", self._listing()),
        }
        if path in routes:
            content_type, body = routes[path]()
            return 200, content_type, body.encode() if isinstance(body, str) else body
        with self._lock:
            page = self._pages.get(path)
        if page is None:
            return 404, "text/plain", b"not found"
        return 200, "text/html; charset=utf-8", self._render(page).encode()

    def _outlet_pages(self, outlet_key: str, kinds: tuple[str, ...] = ("article",)) -> list:
        return [p for k in kinds for p in self.articles(k) if p.outlet_key == outlet_key]

    def _rss(self) -> str:
        items = "".join(
            f"<item><title>{escape(p.title)}</title>"
            f"<link>{self.url(p)}?utm_source=rss&amp;utm_medium=feed</link>"
            f'<guid isPermaLink="false">gazette-{p.slug}</guid>'
            f"<pubDate>{format_datetime(p.published_at)}</pubDate>"
            f"<description>{escape(p.paragraphs[0])}</description></item>"
            for p in self._outlet_pages("gazette")
        )
        channel = f"<title>{escape(self.outlet_info['gazette']['name'])}</title>"
        channel += f"<link>{self.base_url}/gazette/</link><description>Latest news</description>"
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'  # noqa: E501

    def _sitemap_index(self) -> str:
        entries = "".join(
            f"<sitemap><loc>{self.base_url}/wire/sitemaps/{name}</loc></sitemap>"
            for name in ("articles.xml.gz", "news.xml")
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'  # noqa: E501

    def _gz_sitemap(self) -> bytes:
        # Everything but the newest story: that one is only in the news sitemap.
        urls = "".join(
            f"<url><loc>{self.url(p)}</loc><lastmod>{p.published_at.isoformat()}</lastmod></url>"
            for p in self._outlet_pages("wire")[1:]
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'  # noqa: E501
        return gzip.compress(xml.encode(), mtime=0)

    def _news_sitemap(self) -> str:
        name = escape(self.outlet_info["wire"]["name"])
        urls = "".join(
            f"<url><loc>{self.url(p)}</loc><news:news><news:publication><news:name>{name}"
            f"</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{p.published_at.isoformat()}</news:publication_date>"
            f"<news:title>{escape(p.title)}</news:title></news:news></url>"
            for p in self._outlet_pages("wire")[:2]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
        )

    def _atom(self) -> str:
        pages = self._outlet_pages("ledger")[:3]  # the feed only carries the latest stories
        entries = "".join(
            f"<entry><title>{escape(p.title)}</title>"
            f'<link rel="alternate" type="text/html" href="{self.url(p)}"/>'
            f"<id>tag:ledger,2025:{p.slug}</id><published>{p.published_at.isoformat()}</published>"
            f"<updated>{p.published_at.isoformat()}</updated>"
            f"<author><name>{escape(p.author)}</name></author>"
            f"<summary>{escape(p.paragraphs[0])}</summary></entry>"
            for p in pages
        )
        updated = pages[0].published_at.isoformat() if pages else "2025-01-01T00:00:00+00:00"
        head = f"<title>{escape(self.outlet_info['ledger']['name'])}</title>"
        head += f'<link rel="self" href="{self.base_url}/ledger/atom.xml"/>'
        head += f"<id>{self.base_url}/ledger/</id><updated>{updated}</updated>"
        return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{head}{entries}</feed>'  # noqa: E501

    def _listing(self) -> str:
        # The newest story is not on the (cached) section page yet: only the Atom feed has it.
        pages = self._outlet_pages("ledger", ("article", "gallery", "draft"))
        newest = self._outlet_pages("ledger")[:1]
        teasers = "".join(
            f'<li class="teaser"><h2><a href="{p.path}">{html.escape(p.title)}</a></h2>'
            f"<p>{html.escape(p.paragraphs[0] if p.paragraphs else p.title)}</p></li>\n"
            for p in sorted(pages, key=lambda p: p.published_at, reverse=True)
            if p not in newest
        )
        main = _template("listing.html").substitute(
            title="World", outlet_key="ledger", teasers=teasers
        )
        jsonld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": "World"}
        return self._chrome("ledger", "World", "/ledger/world/", "website", jsonld, main)

    def _render(self, page: DemoArticle) -> str:
        if page.kind == "gallery":
            main = _template("video.html").substitute(title=html.escape(page.title))
            jsonld = {"@context": "https://schema.org", "@type": "VideoObject",
                      "name": page.title, "uploadDate": page.published_at.isoformat()}  # fmt: skip
            return self._chrome(page.outlet_key, page.title, page.path, "video.other", jsonld, main)
        main = _template("article.html").substitute(
            title=html.escape(page.title),
            outlet_key=page.outlet_key,
            author=html.escape(page.author),
            author_slug=re.sub(r"\W+", "-", page.author.lower()).strip("-"),
            published_iso=page.published_at.isoformat(),
            published_human=f"{page.published_at.day} {page.published_at:%B %Y, %H:%M}",
            body="\n".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs),
        )
        jsonld = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": page.title,
            "datePublished": page.published_at.isoformat(),
            "dateModified": page.published_at.isoformat(),
            "author": {"@type": "Person", "name": page.author},
            "publisher": {"@type": "Organization", "name": self.outlet_name(page)},
            "mainEntityOfPage": self.url(page),
        }  # fmt: skip
        return self._chrome(page.outlet_key, page.title, page.path, "article", jsonld, main)

    def _chrome(
        self, key: str, title: str, path: str, og_type: str, jsonld: dict, main: str
    ) -> str:
        info = self.outlet_info[key]
        return _template("chrome.html").substitute(
            title=html.escape(title),
            outlet_name=html.escape(info["name"]),
            outlet_key=key,
            tagline=html.escape(info["tagline"]),
            canonical=self.base_url + path,
            og_type=og_type,
            jsonld=json.dumps(jsonld).replace("</", "<\\/"),
            main=main,
        )


class _Handler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        site: DemoSite = self.server.owner  # type: ignore[attr-defined]
        status, content_type, body, etag = site.respond(
            self.path, self.headers.get("If-None-Match")
        )
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the request log is DemoSite.requests; stderr noise would drown test output


def _robots() -> str:
    return "User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in ROBOTS_DISALLOWED)


@cache
def _template(name: str) -> Template:
    return Template((_DATA / name).read_text(encoding="utf-8"))


def _site_data() -> dict[str, Any]:
    return json.loads((_DATA / "site.json").read_text(encoding="utf-8"))


def _page_from_dict(data: dict[str, Any], shift: timedelta) -> DemoArticle:
    return DemoArticle(
        outlet_key=data["outlet"],
        kind=data["kind"],
        slug=data["slug"],
        title=data["title"],
        author=data["author"],
        published_at=datetime.fromisoformat(data["published_at"]) + shift,
        paragraphs=tuple(data["paragraphs"]),
        syndicated_from=data.get("syndicated_from"),
    )
