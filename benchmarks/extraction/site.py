"""Benchmark: extraction on the benchmark site's outlets, whose appeals repeat on every page.

    .venv/bin/python -m benchmarks.extraction.site [--articles 60] [--batch 15] [--write]

Scores trafilatura alone, clean_page alone and newswatch (clean_page, then the per-outlet
boilerplate learning of the store step) on generated article pages, with score.py's measures
and false keyword hits. Every third article of each outlet reuses a background line inside one
of its paragraphs (BACKGROUND), as follow-ups do: it is the article's own text, and must stay.
Prints markdown; --write updates its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from benchmarks.extraction.score import Case, Result, run_newswatch, run_trafilatura, score, table
from benchmarks.pipeline.chrome import appeal_sentences
from benchmarks.pipeline.newsgen import NewsSite, body_of
from benchmarks.pipeline.site import LAYOUTS
from storage.boilerplate import (
    Layout,
    LearningRules,
    fingerprint,
    fingerprints,
    learn,
    read_layout,
    sentences,
    strip,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
HEADING = "## Extraction on the benchmark site's outlets"
START, END = "<!-- site-extraction:start -->", "<!-- site-extraction:end -->"
OUTLETS = 6  # two of each layout, each time with another discovery style
BASE_URL = "https://bench.example"
NOW = datetime(2026, 1, 15, 12, tzinfo=UTC)  # the site's dates are relative to it: fixed
# Watchlist words: the appeals name some ("From Ukraine and Moscow to Syria…"), as do stories.
KEYWORDS = ("Ukraine", "Syria", "Gaza", "climate", "Russia", "Kremlin", "Moscow", "NATO")
_KEYWORDS = {word: re.compile(rf"\b{word}\b", re.IGNORECASE) for word in KEYWORDS}
WARM = "newswatch after warm-up"
COLUMNS = ("trafilatura", "clean_page", "newswatch", WARM)
HITS = "false keyword hits per page (lower is better)"
HIT_PAGES = "pages with a false keyword hit (lower is better)"
LOST = "pages that lost a watched word of their body (lower is better)"
# Speed is the pipeline benchmark's business; here only what ends up in the text counts.
SKIP = "median ms/page (lower is better)"
# The generator writes no background line that follow-ups reuse, so the scoring adds one to
# every BACKGROUND_EVERY-th article, between two sentences of its third paragraph. It names a
# watched word: learning it by frequency alone would strip true text and lose a true alert.
BACKGROUND = "The war in Syria has left much of the country's infrastructure in ruins."
BACKGROUND_EVERY = 3

Table = dict[str, dict[str, str]]  # column -> measure -> value


@dataclass(frozen=True)
class Page:
    """One generated article page with what the generator knows is true of it."""

    case: Case  # the page and its true headline, day, authors and body; absent: the appeals
    layout: str
    position: int  # in the outlet's publication order, from 0
    own_text: str  # headline and body: a watched word here is the article's own


@dataclass(frozen=True)
class Evaluation:
    """The tables by group ("classic", "modern", "app", "all"), and the true body sentences
    that learning took for boilerplate (digits as "0", as learning sees them) -> pages."""

    tables: dict[str, Table]
    body_learned: Counter[str]
    background: tuple[int, int] = (0, 0)  # after warm-up: pages that kept it, pages with it


def site_pages(articles: int, seed: int = 1) -> list[list[Page]]:
    """`articles` pages of each outlet, oldest first, rendered as the site serves them."""
    site = NewsSite(seed=seed, outlets=OUTLETS, articles=articles * OUTLETS, now=NOW)
    site.base_url = BASE_URL
    outlets = []
    for spec in site.outlets:
        absent = appeal_sentences(site.chrome(spec))
        pages = []
        for position, item in enumerate(reversed(site.items(spec))):
            paragraphs = with_background(body_of(item), position)
            body = "\n".join(paragraphs)
            html = _rewrite(site.render(item), body_of(item), paragraphs)
            case = Case(
                name=item.path, html=html, url=site.url(item),
                title=item.story.title, day=item.published.date().isoformat(),
                authors=frozenset({item.story.author}), text=body, absent=absent,
            )  # fmt: skip
            pages.append(Page(case, spec.layout, position, f"{item.story.title}\n{body}"))
        outlets.append(pages)
    return outlets


def with_background(paragraphs: tuple[str, ...], position: int) -> tuple[str, ...]:
    """The article's paragraphs, with BACKGROUND inside the third one in every
    BACKGROUND_EVERY-th article (by publication order)."""
    if position % BACKGROUND_EVERY or len(paragraphs) < 4:
        return paragraphs
    first, _, rest = paragraphs[2].partition(". ")
    return (*paragraphs[:2], f"{first}. {BACKGROUND} {rest}", *paragraphs[3:])


def _rewrite(html: bytes, old: tuple[str, ...], new: tuple[str, ...]) -> bytes:
    page = html.decode()
    for before, after in zip(old, new, strict=True):
        if before != after:
            target = f">{escape(before)}</p>"
            if target not in page:
                raise ValueError("the generator no longer renders a paragraph as one <p>")
            page = page.replace(target, f">{escape(after)}</p>", 1)
    return page.encode()


def with_learning(
    texts: list[str], batch: int, rules: LearningRules
) -> tuple[list[str], list[set[int]]]:
    """An outlet's texts (oldest first) as the store step leaves them when they arrive in runs
    of `batch`: each run learns from its own and the stored articles' fingerprints (of the
    unstripped texts, newest first) and strips what it learned. Also: each text's learned set."""
    history: list[Layout] = []
    stripped, used = [], []
    for start in range(0, len(texts), batch):
        run = texts[start : start + batch]
        newest_first = [read_layout(fingerprints(text)) for text in reversed(run)]
        learned = set(learn(newest_first + history, rules))
        stripped += [strip(text, learned) for text in run]
        used += [learned] * len(run)
        history = newest_first + history
    return stripped, used


def false_hits(text: str, own_text: str) -> set[str]:
    """Watched words in the extracted text (whole word, any case) that the article never uses."""
    return {w for w, rx in _KEYWORDS.items() if rx.search(text) and not rx.search(own_text)}


def lost_words(text: str, body: str) -> set[str]:
    """Watched words of the article's true body that the extracted text no longer has."""
    return {w for w, rx in _KEYWORDS.items() if rx.search(body) and not rx.search(text)}


def measures(pages: list[Page], results: list[Result]) -> dict[str, str]:
    """score.py's measures (speed aside), the false keyword hits and the lost true ones."""
    found = score([p.case for p in pages], results)
    found.pop(SKIP)
    pairs = list(zip(pages, results, strict=True))
    hits = [len(false_hits(r.text, p.own_text)) for p, r in pairs]
    found[HITS] = f"{sum(hits) / len(pages):.2f}"
    found[HIT_PAGES] = f"{sum(map(bool, hits))}/{len(pages)}"
    lost = [bool(lost_words(r.text, p.case.text)) for p, r in pairs]
    found[LOST] = f"{sum(lost)}/{len(pages)}"
    return found


def evaluate(
    articles: int, batch: int, seed: int = 1, rules: LearningRules | None = None
) -> Evaluation:
    """Every column on every outlet's pages, grouped by layout and overall. "after warm-up":
    each outlet's pages from position `rules.warmup` on, when learning has seen that many."""
    rules = rules or LearningRules()
    rows: list[tuple[Page, dict[str, Result]]] = []
    body_learned: Counter[str] = Counter()
    kept = carried = 0
    for pages in site_pages(articles, seed):
        plain = [run_trafilatura(p.case) for p in pages]
        cleaned = [run_newswatch(p.case) for p in pages]
        texts, used = with_learning([r.text for r in cleaned], batch, rules)
        for page, alone, clean, text, learned in zip(
            pages, plain, cleaned, texts, used, strict=True
        ):
            ours = replace(clean, text=text)
            rows.append((page, dict(zip(COLUMNS, (alone, clean, ours, ours), strict=True))))
            body_learned.update(_learned_in(page.case.text, learned))
            if BACKGROUND in page.case.text and page.position >= rules.warmup:
                carried += 1
                kept += BACKGROUND in text
    groups = {layout: [row for row in rows if row[0].layout == layout] for layout in LAYOUTS}
    tables = {
        group: {column: _measure(members, column, rules.warmup) for column in COLUMNS}
        for group, members in {**groups, "all": rows}.items()
    }
    return Evaluation(tables, body_learned, (kept, carried))


def _measure(
    rows: list[tuple[Page, dict[str, Result]]], column: str, warmup: int
) -> dict[str, str]:
    chosen = [row for row in rows if column != WARM or row[0].position >= warmup]
    return measures([page for page, _ in chosen], [results[column] for _, results in chosen])


def _learned_in(body: str, learned: set[int]) -> set[str]:
    return {
        re.sub(r"\d+", "0", sentence)
        for _, sentence in sentences(body)
        if fingerprint(sentence) in learned
    }


def targets(tables: dict[str, Table]) -> list[tuple[str, str, bool]]:
    """Issue 6's targets: (target, measured, met)."""
    checks = []
    for layout in ("modern", "app"):
        value = tables[layout][WARM][HITS]
        checks.append((f"{layout}: no false keyword hit after warm-up", value, float(value) == 0))
    for group, columns in tables.items():
        ours, theirs = columns["newswatch"], columns["trafilatura"]
        worse = [m for m in ours if _worse(m, ours[m], theirs[m])]
        checks.append((f"{group}: newswatch ≥ trafilatura on every measure",
                       "below on " + ", ".join(worse) if worse else "yes", not worse))  # fmt: skip
    return checks


def _worse(measure: str, ours: str, theirs: str) -> bool:
    def number(value: str) -> float:
        return float(value.split("/")[0])

    lower_is_better = measure.endswith("(lower is better)")
    return number(ours) > number(theirs) if lower_is_better else number(ours) < number(theirs)


def render(evaluation: Evaluation, command: str, articles: int, batch: int) -> str:
    """The section's markdown: command, one table per layout and overall, the targets."""
    lines = [
        f"Command: `{command}` ({datetime.now(UTC):%Y-%m-%d}). {OUTLETS} outlets, two per "
        f"layout, {articles} articles each arriving in runs of {batch}; after warm-up: from "
        f"each outlet's {LearningRules().warmup + 1}th article on. False keyword hits: "
        f"{', '.join(KEYWORDS)} in the text but not in the article's headline or body.",
    ]
    for group, columns in evaluation.tables.items():
        title = "All outlets" if group == "all" else f"Layout `{group}`"
        lines += ["", f"{title}:", "", table(columns)]
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    for name, value, met in targets(evaluation.tables):
        lines.append(f"| {name} | {value} | {'yes' if met else '**no**'} |")
    learned = "; ".join(f"“{s}” ({n} pages)" for s, n in evaluation.body_learned.most_common())
    lines += ["", f"True body sentences learned as boilerplate: {learned or 'none'}."]
    kept, carried = evaluation.background
    lines += [
        "",
        f"Background line reused inside a paragraph of one article in {BACKGROUND_EVERY} "
        f"(“{BACKGROUND}”), kept after warm-up: {kept}/{carried} pages.",
    ]
    return "\n".join(lines)


def write_section(body: str, doc: Path = DOCS) -> None:
    """Put `body` between the markers; the first time, add the section under HEADING after
    the "## Extraction quality" section (or at the end)."""
    text = doc.read_text(encoding="utf-8")
    block = f"{START}\n{body.strip()}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        anchor = text.find("## Extraction quality\n")
        after = text.find("\n## ", anchor + 1) + 1 if anchor >= 0 else 0
        section = f"{HEADING}\n\n{block}\n\n"
        text = text[:after] + section + text[after:] if after else f"{text.rstrip()}\n\n{section}"
    doc.write_text(text.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Score the three columns on a generated site, print the tables, write where asked."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="per outlet (default 60)")
    parser.add_argument("--batch", type=int, default=15, help="articles per run (default 15)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help=f"update its section of {DOCS}")
    args = parser.parse_args(argv)
    evaluation = evaluate(args.articles, args.batch, args.seed)
    command = shlex.join([".venv/bin/python", "-m", "benchmarks.extraction.site", *argv])
    body = render(evaluation, command, args.articles, args.batch)
    print(f"{HEADING}\n\n{body}")
    if args.write:
        write_section(body)
        print(f"(written to {DOCS})", file=sys.stderr)


if __name__ == "__main__":
    main()
