"""Benchmark: clean_page's speed on the real-page dev sets beside trafilatura alone, and a dump of
every result so that a speed change can be shown to leave the output identical.

    .venv/bin/python -m benchmarks.extraction.speed --data /tmp/nwdev --dump /tmp/before.json
    .venv/bin/python -m benchmarks.extraction.speed --data /tmp/nwdev --compare /tmp/before.json

One process, pages in the harness's order; each extractor is timed over all pages in the same
run, in CPU seconds of this process (other work on the machine does not count). Nothing here is
part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.extraction.realpages import HARNESS

Page = tuple[str, str, str]  # (key, url, html)
SITE_NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    """Time clean_page and trafilatura over the pages; dump or compare clean_page's results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="where data.tar.xz was unpacked")
    parser.add_argument("--harness", type=Path, default=HARNESS, help="folder of evaluate.py")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--dump", type=Path, help="write clean_page's results here (JSON)")
    parser.add_argument("--compare", type=Path, help="a --dump to compare the results with")
    parser.add_argument("--no-baseline", action="store_true", help="time clean_page only")
    parser.add_argument(
        "--site", type=int, default=0, help="also N pages of benchmarks/pipeline's generated site"
    )
    args = parser.parse_args(argv)
    pages = load_pages(args.data, _harness(args.harness))
    pages = pages[: args.limit] if args.limit else pages
    pages += site_pages(args.site)
    results, seconds = _timed(_clean, pages)
    print(f"{len(pages)} pages; clean_page {len(pages) / seconds:.1f} pages/s ({seconds:.1f} s)")
    if not args.no_baseline:
        for name, extract in (("trafilatura", _trafilatura), ("trafilatura fast", _fast)):
            _, took = _timed(extract, pages)
            print(f"  {name}: {len(pages) / took:.1f} pages/s ({took:.1f} s)")
    if args.dump:
        args.dump.write_text(json.dumps(results, ensure_ascii=False, indent=0), encoding="utf-8")
    if args.compare:
        return _report_differences(json.loads(args.compare.read_text(encoding="utf-8")), results)
    return 0


def load_pages(data: Path, harness: ModuleType) -> list[Page]:
    """Every page of the trafilatura and htmldate sets, each distinct file once."""
    seen: dict[str, Page] = {}
    for page in (*harness.load_trafilatura(data / "trafilatura"),
                 *harness.load_htmldate(data / "htmldate")):  # fmt: skip
        key = f"{page.dataset}:{page.page_id}"
        seen.setdefault(key, (key, page.url, page.html))
    return list(seen.values())


def site_pages(count: int) -> list[Page]:
    """Pages of the pipeline benchmark's generated site, dated from a fixed day (repeatable)."""
    from benchmarks.pipeline.newsgen import NewsSite

    site = NewsSite(seed=1, outlets=6, articles=count, now=SITE_NOW)
    site.base_url = "http://127.0.0.1:8000"
    return [(site.url(item), site.url(item), site.render(item).decode()) for item in site.items()]


def _harness(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate", folder / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _timed(extract: Callable[[str, str], Any], pages: list[Page]) -> tuple[dict[str, Any], float]:
    for _, url, html in pages[:5]:
        extract(html, url)  # first-call set-up outside the timing
    results: dict[str, Any] = {}
    begin = time.process_time()
    for key, url, html in pages:
        results[key] = extract(html, url)
    return results, time.process_time() - begin


def _clean(html: str, url: str) -> dict[str, Any] | None:
    from spiders.extract import explain_page
    from spiders.limits import TreeTooLarge

    try:
        page, explanation = explain_page(html, url)
    except TreeTooLarge:
        return {"error": "tree too large"}
    found: dict[str, Any] = {"verdict": None if explanation is None else repr(explanation.verdict)}
    if page is not None:
        found.update({key: str(value) for key, value in vars(page).items()})
    return found


def _trafilatura(html: str, url: str) -> bool:
    from trafilatura import bare_extraction

    return bare_extraction(html, url=url, include_comments=False, with_metadata=True) is not None


def _fast(html: str, url: str) -> bool:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, url=url, fast=True, include_comments=False, with_metadata=True)
    return doc is not None


def _report_differences(before: dict[str, Any], after: dict[str, Any]) -> int:
    changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    for key in sorted(changed)[:20]:
        print(f"DIFFERENT {key}:\n  before {before.get(key)}\n  after  {after.get(key)}")
    print(f"{len(changed)} of {len(before)} pages differ")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
