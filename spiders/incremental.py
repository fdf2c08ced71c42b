"""Incremental crawling: validators to send, revisits to make, and the log of what came back."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.http import Response


@dataclass(frozen=True)
class Validators:
    """What a URL's last response said about its version (ETag, Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow (none when unknown)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Revisit:
    """A known article due to be fetched again (with its validators, when it has any)."""

    url: str
    outlet: str


def load_conditional(path: str) -> tuple[dict[str, Validators], list[Revisit]]:
    """Read the parent's conditional.json: validators by URL, and the article revisits due."""
    data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    validators = {
        e["url"]: Validators(e.get("etag"), e.get("last_modified"))
        for e in (*data.get("validators", ()), *data.get("revisits", ()))
    }
    revisits = [Revisit(e["url"], e["outlet"]) for e in data.get("revisits", ())]
    return validators, revisits


class FetchLog:
    """Every response's status and validators, written as JSON Lines for the parent to store."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []

    def add(self, response: Response, outlet: str) -> None:
        """Record one response to a request of `outlet` (redirects are logged at their start)."""
        request_url = (response.request.meta.get("redirect_urls") or [response.url])[0]
        self.entries.append({
            "url": request_url,
            "outlet": outlet,
            "status": response.status,
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "conditional": bool(
                response.request.headers.get("If-None-Match")
                or response.request.headers.get("If-Modified-Since")
            ),
        })  # fmt: skip

    def forget_validators(self, url: str) -> None:
        """Drop what `url`'s response said about its version: it must be fetched in full again
        (a sitemap index: a 304 would hide the child sitemaps to read)."""
        for entry in self.entries:
            if entry["url"] == url:
                entry["etag"] = entry["last_modified"] = None

    def write(self) -> None:
        """Write the log atomically (no-op without a path)."""
        if not self.path:
            return
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(entry) + "\n" for entry in self.entries)
        os.replace(tmp, self.path)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
