"""Benchmark: newswatch's clean_page against plain trafilatura on saved, hand-checked pages."""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trafilatura import bare_extraction

from spiders.extract import clean_page

PAGES = Path(__file__).parent / "pages"
# Written after clean_page's rules were settled, to see how they do on layouts they were not
# tuned on (README.md has the first-run result).
HELDOUT = Path(__file__).parent / "heldout"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Result:
    """What one extractor made of one page, reduced to the scored fields."""

    title: str | None
    day: str | None  # YYYY-MM-DD
    authors: frozenset[str]
    text: str
    seconds: float


@dataclass(frozen=True)
class Case:
    """One saved page and its hand-checked expectations."""

    name: str
    html: bytes
    url: str
    title: str
    day: str | None
    authors: frozenset[str]
    text: str
    absent: tuple[str, ...]


def load_cases(folder: Path = PAGES) -> list[Case]:
    """Read every NAME.json expectation with its page: NAME.html, or the file its "page" names
    (relative to the folder: the seed outlets' pages are the test fixtures, not copies)."""
    cases = []
    for path in sorted(folder.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        page = folder / expected["page"] if "page" in expected else path.with_suffix(".html")
        cases.append(
            Case(
                name=path.stem,
                html=page.read_bytes(),
                url=expected["url"],
                title=expected["title"],
                day=expected["published"],
                authors=frozenset(expected["authors"]),
                text=expected["text"],
                absent=tuple(expected.get("absent", ())),
            )
        )
    return cases


def run_trafilatura(case: Case) -> Result:
    """Plain trafilatura: bare_extraction with its default settings."""
    start = time.perf_counter()
    doc = bare_extraction(case.html, url=case.url, with_metadata=True)
    seconds = time.perf_counter() - start
    if doc is None:
        return Result(None, None, frozenset(), "", seconds)
    authors = frozenset(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Result(doc.title, doc.date, authors, doc.text or "", seconds)


def run_newswatch(case: Case) -> Result:
    """newswatch's clean_page (None, i.e. "not an article", scores as an empty page)."""
    start = time.perf_counter()
    page = clean_page(case.html, case.url)
    seconds = time.perf_counter() - start
    if page is None:
        return Result(None, None, frozenset(), "", seconds)
    day = page.published_at.date().isoformat() if page.published_at else None
    return Result(page.title, day, frozenset(page.authors), page.text, seconds)


EXTRACTORS: dict[str, Callable[[Case], Result]] = {
    "trafilatura": run_trafilatura,
    "newswatch": run_newswatch,
}


def _words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def _flat(text: str) -> str:
    return " ".join(text.split())


def score(cases: list[Case], results: list[Result]) -> dict[str, str]:
    """Micro-averaged word precision/recall/F1 and per-page hit counts, formatted for the table."""
    overlap = predicted = expected = 0
    for case, result in zip(cases, results, strict=True):
        got, want = _words(result.text), _words(case.text)
        overlap += sum((got & want).values())
        predicted += sum(got.values())
        expected += sum(want.values())
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n = len(cases)

    def hits(check: Callable[[Case, Result], bool]) -> str:
        return f"{sum(check(c, r) for c, r in zip(cases, results, strict=True))}/{n}"

    times = sorted(r.seconds for r in results)
    return {
        "body precision (words)": f"{precision:.3f}",
        "body recall (words)": f"{recall:.3f}",
        "body F1": f"{f1:.3f}",
        "pages with no boilerplate": hits(
            lambda c, r: not any(_flat(s) in _flat(r.text) for s in c.absent)
        ),
        "headline exact": hits(lambda c, r: r.title == c.title),
        "published date (day)": hits(lambda c, r: r.day == c.day),
        "authors exact": hits(lambda c, r: r.authors == c.authors),
        "median ms/page (lower is better)": f"{times[len(times) // 2] * 1000:.1f}",
    }


def table(columns: dict[str, dict[str, str]]) -> str:
    """A markdown table: one row per measure, one column per extractor."""
    names = list(columns)
    lines = ["| measure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for measure in next(iter(columns.values())):
        lines.append(f"| {measure} | " + " | ".join(columns[n][measure] for n in names) + " |")
    return "\n".join(lines)


def details(cases: list[Case], runs: dict[str, list[Result]]) -> str:
    """Per-page misses, to see where an extractor goes wrong."""
    out = []
    for i, case in enumerate(cases):
        for name, results in runs.items():
            r = results[i]
            misses = [
                f"title={r.title!r}" if r.title != case.title else "",
                f"day={r.day}" if r.day != case.day else "",
                f"authors={sorted(r.authors)}" if r.authors != case.authors else "",
                "boilerplate" if any(_flat(s) in _flat(r.text) for s in case.absent) else "",
            ]
            got, want = _words(r.text), _words(case.text)
            extra = sum((got - want).values())
            lost = sum((want - got).values())
            if extra or lost:
                misses.append(f"words +{extra} -{lost}")
            if any(misses):
                out.append(f"{case.name:34} {name:12} " + "; ".join(m for m in misses if m))
    return "\n".join(out)


def main() -> None:
    """Score both extractors on each folder of saved pages and print a table per folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", action="store_true", help="also list per-page misses")
    parser.add_argument(
        "pages", nargs="*", type=Path, default=[PAGES, HELDOUT],
        help="folders of NAME.html + NAME.json (default: pages/ and heldout/)",
    )  # fmt: skip
    args = parser.parse_args()
    for folder in args.pages:
        cases = load_cases(folder)
        runs = {name: [run(case) for case in cases] for name, run in EXTRACTORS.items()}
        print(f"\n{len(cases)} pages in {folder}\n")
        print(table({name: score(cases, results) for name, results in runs.items()}))
        if args.details:
            print("\n" + details(cases, runs))


if __name__ == "__main__":
    main()
