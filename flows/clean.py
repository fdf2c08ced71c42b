"""`newswatch clean`: what cleaning makes of saved pages, to check an outlet by hand."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from spiders.excludes import ExcludeError, compile_excludes
from spiders.extract import CleanPage, clean_page

PREVIEW_CHARS = 160
Echo = Callable[[str], None]


def clean_files(
    paths: Iterable[Path],
    url: str | None,
    *,
    as_json: bool,
    echo: Echo,
    error: Echo,
    exclude: Sequence[str] = (),
) -> int:
    """Clean each saved page and print the result; return 2 if a path or selector was bad, else 0.

    Nothing is fetched: url only tells cleaning where the page came from (default: the
    file's file:// URI), which matters for relative canonical links and dates in the URL.
    `exclude` is what an outlet's `exclude` config would say, to try selectors out.
    """
    try:
        excludes = compile_excludes(exclude)
    except ExcludeError as exc:
        error(f"error: --exclude: {exc}")
        return 2
    status = 0
    for path in paths:
        try:
            html = path.read_bytes()
        except OSError as exc:
            error(f"error: cannot read {path}: {exc.strerror or exc}")
            status = 2
            continue
        page_url = url or path.resolve().as_uri()
        page = clean_page(html, page_url, exclude=excludes)
        record = page_record(path, page_url, page)
        echo(json.dumps(record, ensure_ascii=False) if as_json else summary(record))
    return status


def page_record(path: Path, url: str, page: CleanPage | None) -> dict[str, Any]:
    """The JSON-ready fields of one cleaned page ({"article": false} when it is not one)."""
    if page is None:
        return {"path": str(path), "url": url, "article": False}
    return {
        "path": str(path),
        "url": url,
        "article": True,
        "canonical_url": page.canonical_url,
        "title": page.title,
        "authors": list(page.authors),
        "author": page.author,
        "published_at": _iso(page.published_at),
        "published_source": page.published_source,
        "modified_at": _iso(page.modified_at),
        "language": page.language,
        "text": page.text,
    }


def summary(record: dict[str, Any]) -> str:
    """A few human-readable lines about one cleaned page."""
    if not record["article"]:
        return f"{record['path']}: not an article (no single article's text found)"
    published = "unknown"
    if record["published_at"]:
        published = f"{_short(record['published_at'])} ({record['published_source']})"
    if record["modified_at"]:
        published += f", modified {_short(record['modified_at'])}"
    text = record["text"]
    preview = text[:PREVIEW_CHARS].replace("\n", " ") + ("…" if len(text) > PREVIEW_CHARS else "")
    return "\n".join(
        (
            f"{record['path']}",
            f"  title:     {record['title']}",
            f"  authors:   {', '.join(record['authors']) or 'unknown'}",
            f"  published: {published}",
            f"  language:  {record['language'] or 'unknown'}; "
            f"{len(text.splitlines())} paragraphs, {len(text.split())} words",
            f"  canonical: {record['canonical_url'] or 'none'}",
            f"  text:      {preview}",
        )
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _short(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
