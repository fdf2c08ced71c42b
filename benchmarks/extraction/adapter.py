"""Benchmark adapter: newswatch cleaning in the shared harness's extractor signature."""

from __future__ import annotations

import unicodedata
from typing import Any

from spiders.extract import clean_page


def extract(html: str, url: str | None = None) -> dict[str, Any] | None:
    """Clean one page as the crawl does; None when newswatch drops the page."""
    page = clean_page(html, url or "http://localhost/")
    if page is None:
        return None
    return {
        "text": unicodedata.normalize("NFC", page.text).strip() or None,
        "title": page.title,
        # The harness takes the day of the instant as given: keep the page's own offset.
        "date": page.published_at,
        "author": "; ".join(page.authors) or None,
    }
