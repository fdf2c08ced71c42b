"""The article record: the contract between the crawl and the rest of the pipeline."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ArticleRecord:
    """One cleaned article as it leaves the crawl (one JSON Lines row)."""

    url: str  # canonical URL: the article's identity
    fetched_url: str  # the URL that was actually requested
    outlet: str  # outlet name from the config
    title: str
    text: str  # clean body text only: no menus, appeals, related links or comments
    author: str | None = None  # the authors joined with ", "
    published_at: datetime | None = None  # aware, in the offset its source wrote; None if none
    language: str | None = None
    authors: tuple[str, ...] = ()  # person names, without "By", roles or the outlet
    published_source: str | None = None  # spiders.dates.SOURCES, or "sitemap"
    modified_at: datetime | None = None  # timezone-aware UTC

    @property
    def content_hash(self) -> str:
        """Hash of the clean title and text: a change makes a new version."""
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 strings (with their UTC offset)."""
        data = asdict(self)
        for key in _DATETIMES:
            data[key] = data[key].isoformat() if data[key] else None
        data["authors"] = list(self.authors)
        return data

    def to_json(self) -> str:
        """Serialise to one JSON line."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> ArticleRecord:
        """Build a record from a decoded JSON line (or a Scrapy item dict)."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if data.get(k) is not None}
        for key in _DATETIMES:
            if isinstance(fields.get(key), str):
                fields[key] = datetime.fromisoformat(fields[key])
        fields["authors"] = tuple(fields.get("authors") or ())
        return cls(**fields)


_DATETIMES = ("published_at", "modified_at")
