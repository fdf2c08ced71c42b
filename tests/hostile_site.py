"""A fake hostile internet for crawl tests: outlets on 127.0.0.1 ports that misbehave on purpose."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import brotli

Handler = Callable[["_Handler"], None]
MIB = 1024 * 1024


@dataclass(frozen=True)
class Hit:
    """One request an outlet's server received."""

    outlet: str
    path: str
    at: float  # time.monotonic() when it arrived


class HostileSite:
    """Outlets on their own 127.0.0.1 ports, each path answered by a handler the test registers.

    Unrouted paths answer 404, robots.txt included (which means "no rules"). Handlers that stall
    (hang, drip) give up as soon as the site closes, so a test never waits for them.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir  # for files a scenario needs on disk
        self.stopping = threading.Event()
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._routes: dict[tuple[str, str], Handler] = {}
        self._hits: list[Hit] = []
        self._lock = threading.Lock()

    def outlet(self, key: str) -> str:
        """Start serving outlet `key` on a free port; return its base URL."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.site, server.key = self, key  # type: ignore[attr-defined]
        self._servers[key] = server
        # A short poll keeps close() quick: shutdown() waits out one poll per server.
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self.url(key)

    def url(self, key: str, path: str = "") -> str:
        """Absolute URL of `path` on outlet `key`."""
        return f"http://127.0.0.1:{self.port(key)}{path}"

    def port(self, key: str) -> int:
        """The port outlet `key` listens on."""
        return self._servers[key].server_address[1]

    def route(self, key: str, path: str, handler: Handler) -> None:
        """Answer GET `path` (query ignored) on outlet `key` with `handler`."""
        self._routes[(key, path)] = handler

    def hits(self, key: str, path: str | None = None) -> list[Hit]:
        """The requests outlet `key` received (for one path, or all), in arrival order."""
        with self._lock:
            return [h for h in self._hits if h.outlet == key and path in (None, h.path)]

    def close(self) -> None:
        """Stop every server; stalled handlers return at once."""
        self.stopping.set()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _handle(self, request: _Handler) -> None:
        key, path = request.server.key, urlsplit(request.path).path  # type: ignore[attr-defined]
        with self._lock:
            self._hits.append(Hit(key, path, time.monotonic()))
        handler = self._routes.get((key, path), respond(b"not found", status=404))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the crawler gave up
            handler(request)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self.server.site._handle(self)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep pytest's output clean

    def stopping(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the site is closing meanwhile."""
        return self.server.site.stopping.wait(seconds)  # type: ignore[attr-defined]


# Handlers -------------------------------------------------------------------------------------


def respond(
    body: bytes | str = b"",
    content_type: str = "text/html; charset=utf-8",
    *,
    status: int = 200,
    headers: Iterable[tuple[str, str]] = (),
) -> Handler:
    """A complete response with a correct Content-Length."""
    data = body.encode() if isinstance(body, str) else body

    def handler(request: _Handler) -> None:
        request.send_response(status)
        if content_type:
            request.send_header("Content-Type", content_type)
        for name, value in headers:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    return handler


def page(title: str) -> Handler:
    """An article page titled `title`."""
    return respond(article(title))


def plain(body: str) -> Handler:
    """A text/plain response (robots.txt)."""
    return respond(body, "text/plain")


def xml(body: str | bytes) -> Handler:
    """An application/xml response (sitemaps)."""
    return respond(body, "application/xml")


def sequence(*handlers: Handler) -> Handler:
    """The first handler for the first request, the next for the next…, the last ever after."""
    calls = iter(range(len(handlers)))

    def handler(request: _Handler) -> None:
        handlers[next(calls, len(handlers) - 1)](request)

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    """A redirect to `location`, whatever it is."""
    return respond(b"", status=status, content_type="", headers=[("Location", location)])


def hang(seconds: float = 30) -> Handler:
    """Accept the request and say nothing."""

    def handler(request: _Handler) -> None:
        request.stopping(seconds)

    return handler


def drip(seconds: float = 30, interval: float = 0.2) -> Handler:
    """Headers at once, then the body one byte per `interval`: never done within a timeout."""

    def handler(request: _Handler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(int(seconds / interval) + 1))
        request.end_headers()
        for _ in range(int(seconds / interval)):
            request.wfile.write(b"x")
            request.wfile.flush()
            if request.stopping(interval):
                return

    return handler


def truncated(declared: int = 5000, sent: int = 100) -> Handler:
    """Promise `declared` bytes in Content-Length, send `sent`, close the connection."""

    def handler(request: _Handler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(declared))
        request.end_headers()
        request.wfile.write(b"<html>" + b"a" * (sent - 6))
        request.close_connection = True

    return handler


def streamed(total: int, chunk: int = 64 * 1024) -> Handler:
    """`total` bytes of HTML with no Content-Length: the size is only known by reading it."""

    def handler(request: _Handler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.end_headers()
        request.wfile.write(b"<html><body>")
        for _ in range(total // chunk):
            request.wfile.write(b"<p>" + b"a" * (chunk - 7) + b"</p>")
        request.close_connection = True

    return handler


def raw(data: bytes) -> Handler:
    """Bytes that are not HTTP at all, then a closed connection."""

    def handler(request: _Handler) -> None:
        request.wfile.write(data)
        request.close_connection = True

    return handler


# Content --------------------------------------------------------------------------------------

_PARAGRAPH = (
    "The council met on Tuesday evening to debate the harbour budget, and members argued for "
    "nearly four hours about dredging, ferry subsidies and the cost of repairing the sea wall."
)


def article(title: str, charset_meta: str | None = None) -> str:
    """An HTML article page the extractor accepts: a headline and four real paragraphs."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    paragraphs = "".join(f"<p>{_PARAGRAPH} ({i})</p>" for i in range(4))
    return (
        f"<!DOCTYPE html><html lang='en'><head>{meta}<title>{escape(title)}</title></head>"
        f"<body><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    )


def rss(links: Iterable[str], doctype: str = "", verbatim: bool = False) -> str:
    """An RSS 2.0 feed with one item per link (escaped, unless `verbatim` for entity tricks)."""
    items = "".join(
        f"<item><title>Item {i}</title><link>{link if verbatim else escape(link)}</link></item>"
        for i, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Feed</title>'
        f"{items}</channel></rss>"
    )


def urlset(locs: Iterable[str], doctype: str = "") -> str:
    """A sitemap urlset; the locs go in verbatim, entity references and all."""
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        f'<?xml version="1.0"?>{doctype}'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def sitemap_index(locs: Iterable[str]) -> str:
    """A sitemap index."""
    maps = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0"?><sitemapindex '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'
    )


def billion_laughs(root: str) -> str:
    """A DOCTYPE whose entity &lol9; would expand to a billion "lol"s."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


def external_entity(root: str, path: str | Path) -> str:
    """A DOCTYPE whose entity &xxe; would pull in a local file."""
    return f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{path}">]>'


def bomb(encoding: str, size: int = 32 * MIB) -> bytes:
    """`size` zero bytes compressed with `encoding` (gzip, deflate or br): a few KiB on the wire."""
    zeros = bytes(size)
    if encoding == "gzip":
        return gzip.compress(zeros, compresslevel=9)
    if encoding == "deflate":
        return zlib.compress(zeros, 9)
    if encoding == "br":
        return brotli.compress(zeros, quality=5)
    raise ValueError(encoding)
