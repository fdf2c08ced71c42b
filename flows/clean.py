"""`newswatch clean`: what cleaning makes of saved pages, to check an outlet by hand."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from spiders.excludes import ExcludeError, compile_excludes
from spiders.extract import CleanPage, Explanation, explain_page
from spiders.limits import CleaningLimit

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
    explain: bool = False,
) -> int:
    """Clean each saved page and print the result; return 2 if a path or selector was bad, else 0.

    Nothing is fetched: url only tells cleaning where the page came from (default: the
    file's file:// URI), which matters for relative canonical links and dates in the URL.
    `exclude` is what an outlet's `exclude` config would say, to try selectors out;
    `explain` adds the article verdict and every line cleaning removed, with the rule.
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
        try:
            page, explanation = explain_page(html, page_url, exclude=excludes)
        except CleaningLimit as exc:
            error(f"error: {path}: cannot be cleaned: {exc.kind}: {exc}")
            status = 2
            continue
        record = page_record(path, page_url, page)
        if explain:
            record["explanation"] = explanation_record(explanation)
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


def explanation_record(explanation: Explanation | None) -> dict[str, Any]:
    """Why a page is (not) an article, each line refining removed or block it spared, and the
    standfirst it added before trafilatura's text."""
    if explanation is None:
        return {
            "article": False, "signals": ["the file is not HTML"], "cut": [], "spared": [],
            "added": [],
        }  # fmt: skip
    refined = explanation.refined
    return {
        "article": explanation.verdict.is_article,
        "signals": list(explanation.verdict.reasons),
        "fell_back": bool(refined and refined.fell_back),
        "cut": [vars(cut) for cut in refined.cuts] if refined else [],
        "spared": [vars(cut) for cut in refined.spared] if refined else [],
        "added": list(refined.added) if refined else [],
    }


def summary(record: dict[str, Any]) -> str:
    """A few human-readable lines about one cleaned page (and its explanation, if asked)."""
    lines = [_summary(record)]
    if explained := record.get("explanation"):
        lines.extend(_explained(explained))
    return "\n".join(lines)


def _explained(explained: dict[str, Any]) -> list[str]:
    signals = "; ".join(explained["signals"]) or "none"
    lines = [f"  signals against an article: {signals}"]
    if explained.get("fell_back"):
        lines.append("  block cuts would keep under half of the text: only line rules applied")
    lines += [f"  cut ({c['rule']}: {c['evidence']}): {c['line'][:90]}" for c in explained["cut"]]
    lines += [f"  spared {s['line']} ({s['rule']}): it holds most of the text"
              for s in explained["spared"]]  # fmt: skip
    lines += [f"  added (standfirst under the headline): {line[:90]}"
              for line in explained.get("added", ())]  # fmt: skip
    return lines


def _summary(record: dict[str, Any]) -> str:
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
    # The time as the page wrote it, with its offset: the publish day is the outlet's day.
    value = datetime.fromisoformat(iso)
    offset = value.strftime("%z")
    zone = "UTC" if offset in ("", "+0000") else f"{offset[:3]}:{offset[3:]}"
    return f"{value:%Y-%m-%d %H:%M} {zone}"
