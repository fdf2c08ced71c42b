"""HTTP for the benchmark site: conditional GETs, request counts by kind, a control API.

Control endpoints (never counted): GET /__bench/stats, GET /__bench/manifest,
POST /__bench/publish?n=K, POST /__bench/edit?n=M, POST /__bench/inbox (apprise json:// alerts),
GET /__bench/inbox (every alert received so far: its title and article URL, in arrival order).
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from alerts.query import match, parse_query
from benchmarks.pipeline.newsgen import Item, NewsSite, body_of
from benchmarks.pipeline.prose import SECTIONS, WATCH_ACTORS, WATCH_QUERY
from benchmarks.pipeline.routes import Resource, resolve
from benchmarks.pipeline.site import empty_outlet_config
from flows.loopback import LoopbackServer

CONTROL = "/__bench/"
_WATCH = parse_query(WATCH_QUERY)


def is_not_modified(headers: Any, etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison), else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= when


class NewsServer(LoopbackServer):
    """Serves a NewsSite on 127.0.0.1 from a background thread and counts what it served."""

    def __init__(self, site: NewsSite, port: int = 0) -> None:
        super().__init__()
        self.site = site
        self.wanted_port = port  # 0: a free one
        self.pid = os.getpid()
        self.counts: Counter[str] = Counter()  # "article 200", "feed 304", "other 404", …
        self.alerts = 0
        self.inbox: list[dict[str, str]] = []  # per received alert: title, url (its 3rd line)
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT of the running server."""
        return self.site.base_url

    def start(self) -> Self:
        """Listen on 127.0.0.1 and serve in a daemon thread."""
        # A crawler opens many connections at once.
        self.serve(_Handler, port=self.wanted_port, backlog=256)
        self.site.base_url = f"http://127.0.0.1:{self.port}"
        return self

    def count(self, kind: str, status: int) -> None:
        """Count one served request."""
        with self.lock:
            self.counts[f"{kind} {status}"] += 1

    def stats(self) -> dict[str, Any]:
        """Request counts so far, alerts received, article count and this process's CPU time."""
        times = os.times()
        with self.lock:
            return {"requests": dict(self.counts), "alerts": self.alerts,
                    "articles": len(self.site.items()), "generation": self.site.generation,
                    "cpu_seconds": times.user + times.system}  # fmt: skip

    def manifest(self) -> dict[str, Any]:
        """Every article (URL, outlet, version) and the outlets' config entries."""
        site = self.site
        return {
            "base_url": site.base_url,
            "articles": [{"url": site.url(i), "outlet": i.outlet.name, "version": i.version,
                          "watch": i.story.actor in WATCH_ACTORS, "matches": matches(i)}
                         for i in site.items()],
            "outlets": [spec.config(site.base_url, SECTIONS) for spec in site.outlets],
            "empty_outlet": empty_outlet_config(site.base_url),
        }  # fmt: skip

    def control(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes = b""
    ) -> Any:
        """Answer a /__bench/ request; None for an unknown one."""
        count = int(query.get("n", ["0"])[0])
        actions = {
            ("GET", "stats"): self.stats,
            ("GET", "manifest"): self.manifest,
            ("GET", "inbox"): self.received,
            ("POST", "publish"): lambda: {"urls": self.site.publish(count)},
            ("POST", "edit"): lambda: {"urls": self.site.edit(count)},
            ("POST", "inbox"): lambda: self._alert(body),
        }
        action = actions.get((method, path.removeprefix(CONTROL).strip("/")))
        return action() if action else None

    def received(self) -> dict[str, Any]:
        """Every alert the inbox received so far, oldest first: {"title", "url"} each."""
        with self.lock:
            return {"alerts": list(self.inbox)}

    def _alert(self, body: bytes) -> dict[str, int]:
        alert = alert_facts(body)
        with self.lock:
            self.alerts += 1
            self.inbox.append(alert)
            return {"alerts": self.alerts}


def matches(item: Item) -> bool:
    """Whether the article's own text (headline and body paragraphs as generated, no page
    furniture or appeals) matches the benchmark's watchlist query."""
    return match(_WATCH, item.story.title, "\n\n".join(body_of(item))) is not None


def alert_facts(body: bytes) -> dict[str, str]:
    """Title and article URL of an apprise json:// payload ({"title", "message", ...}): the
    message's third line is the article URL (alerts.message.format_alert)."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    payload = payload if isinstance(payload, dict) else {}
    message = str(payload.get("message") or payload.get("body") or "")
    lines = message.splitlines()
    return {"title": str(payload.get("title") or ""),
            "url": lines[2].strip() if len(lines) > 2 else ""}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's connection pool expects
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "NewsGen/1.0"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        url = urlsplit(self.path)
        if url.path.startswith(CONTROL):
            self._control("GET", url.path, url.query)
            return
        news: NewsServer = self.server.owner  # type: ignore[attr-defined]
        resource = resolve(news.site, url.path)
        if resource is None:
            news.count("other", 404)
            self._send(404, "text/plain", b"not found")
            return
        if is_not_modified(self.headers, resource.etag, resource.last_modified):
            news.count(resource.kind, 304)
            self._send(304, resource.content_type, b"", resource)
            return
        news.count(resource.kind, 200)
        self._send(200, resource.content_type, resource.body(), resource)

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))  # stream in step
        url = urlsplit(self.path)
        self._control("POST", url.path, url.query, body)

    def _control(self, method: str, path: str, query: str, body: bytes = b"") -> None:
        news: NewsServer = self.server.owner  # type: ignore[attr-defined]
        answer = news.control(method, path, parse_qs(query), body)
        if answer is None:
            self._send(404, "text/plain", b"unknown control request")
            return
        self._send(200, "application/json", json.dumps(answer).encode())

    def _send(
        self, status: int, content_type: str, body: bytes, resource: Resource | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if resource is not None:
            self.send_header("ETag", resource.etag)
            self.send_header("Last-Modified", format_datetime(resource.last_modified, True))
            self.send_header("Cache-Control", "max-age=60")
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the counts are the log; a line per request would cost more than serving it
