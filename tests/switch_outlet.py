"""A one-outlet news site on 127.0.0.1 whose behaviour a test switches: publishing, frozen (no
new article), answering 403 to everything, or serving a 200 bot-wall page for every article."""

from __future__ import annotations

import html
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

from flows.loopback import LoopbackServer

OK, FORBIDDEN, BLOCKED = "ok", "403", "blocked"

# A challenge page of the kind bot walls serve with a 200: enough prose that cleaning keeps it
# as an "article", in the words such pages use, about no story at all.
CHALLENGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Are you a robot?</title></head><body><main><article><h1>Are you a robot?</h1>
<p>We have detected unusual traffic from your computer network. To keep reading, please
confirm that you are a human visitor and not an automated program.</p>
<p>Please complete the security check below to continue to the page you asked for. This check
helps us keep the site fast and available for every one of our readers.</p>
<p>Reference 7f3a-22c1. If this keeps happening, contact our support team and quote it.</p>
</article></main></body></html>"""

_ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><link rel="canonical" href="{url}"></head>
<body><main><article><h1>{title}</h1><p class="byline">By Ana Ferreira</p>
<time datetime="{published}">{published}</time>{paragraphs}</article></main></body></html>"""

_PARAGRAPHS = (
    "The harbour board of {place} met on {day} to agree the timetable for the coming season, "
    "after a winter in which storms closed the crossing on eleven separate days.",
    "Members said the ferry to {place} would add an early sailing for commuters and keep the "
    "last evening crossing, which carries most of the island's nurses home after late shifts.",
    "Residents who spoke at the meeting asked for the fares to stay frozen until the new boat "
    "arrives, and the board agreed to publish its accounts for the season in the spring.",
    "The operator said repairs to the slipway at {place} were finished a week ahead of plan, "
    "and that the old waiting room would reopen with heating and a ticket machine by summer.",
)


class SwitchOutlet(LoopbackServer):
    """An RSS feed and its article pages; `mode` and `publish` change what the next run sees."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = OK
        self.articles: list[tuple[str, str, datetime]] = []  # slug, title, published

    @property
    def base(self) -> str:
        """The site's root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def feed(self) -> str:
        """The outlet's RSS feed URL."""
        return f"{self.base}/feed.xml"

    def url(self, slug: str) -> str:
        """An article's URL."""
        return f"{self.base}/news/{slug}"

    def publish(self, slug: str, title: str, at: datetime) -> None:
        """Add an article to the feed (newest first, as feeds list them)."""
        self.articles.insert(0, (slug, title, at))

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """The status, content type and body this path gets in the current mode."""
        if self.mode == FORBIDDEN:
            return 403, "text/html", b"<html><body><h1>403 Forbidden</h1></body></html>"
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        if path == "/feed.xml":
            return 200, "application/rss+xml", self._rss().encode()
        found = [a for a in self.articles if path == f"/news/{a[0]}"]
        if not found:
            return 404, "text/html", b"<html><body>Not found</body></html>"
        if self.mode == BLOCKED:
            return 200, "text/html; charset=utf-8", CHALLENGE.encode()
        return 200, "text/html; charset=utf-8", self._article(*found[0]).encode()

    def _rss(self) -> str:
        items = "".join(
            f"<item><title>{html.escape(title)}</title><link>{self.url(slug)}</link>"
            f"<guid>{self.url(slug)}</guid><pubDate>{format_datetime(at)}</pubDate></item>"
            for slug, title, at in self.articles
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Island Courier</title><link>{self.base}/</link>{items}</channel></rss>"
        )

    def _article(self, slug: str, title: str, at: datetime) -> str:
        place = slug.replace("-", " ").title()
        day = f"{at:%A}"
        paragraphs = "".join(f"<p>{p.format(place=place, day=day)}</p>" for p in _PARAGRAPHS)
        return _ARTICLE.format(title=html.escape(title), url=self.url(slug),
                               published=at.isoformat(), paragraphs=paragraphs)  # fmt: skip

    def start(self) -> SwitchOutlet:
        """Serve on a free loopback port in a background thread."""
        outlet = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, content_type, body = outlet.respond(self.path.split("?")[0])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.serve(Handler)
        return self
