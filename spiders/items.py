"""The article record: the contract between the crawl and the rest of the pipeline."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class ArticleRecord:
    """One cleaned article as it leaves the crawl (one JSON Lines row)."""

    url: str  # canonical URL: the article's identity
    fetched_url: str  # the URL that was actually requested
    outlet: str  # outlet name from the config
    title: str
    text: str  # clean body text only: no menus, appeals, related links or comments
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware UTC, None when the page gives none
    language: str | None = None

    @property
    def content_hash(self) -> str:
        """Hash of the clean title and text: a change makes a new version."""
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()

    def to_json(self) -> str:
        """Serialise to one JSON line."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> ArticleRecord:
        """Build a record from a decoded JSON line (or a Scrapy item dict)."""
        published = data.get("published_at")
        if isinstance(published, str):
            published = datetime.fromisoformat(published)
        fields = {k: data.get(k) for k in cls.__dataclass_fields__}
        return cls(**{**fields, "published_at": published})
