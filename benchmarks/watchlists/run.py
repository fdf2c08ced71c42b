"""Watchlist matching speed: articles per second for 10, 1,000 and 10,000 terms over generated
news, one automaton pass (alerts.matcher) against one compiled regex per term, same data.

    .venv/bin/python -m benchmarks.watchlists.run [--articles 10000] [--write]

One process, one core. The regex way is timed on the first articles only (it manages about one
article a second at 10,000 terms), within --naive-seconds per size; both ways must agree on
which watchlists match every article they both saw, or the run fails.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from alerts.matcher import Article, Watchlists
from alerts.query import Query, parse_query
from alerts.terms import And, Not, Or, Term, normal
from benchmarks.pipeline import prose
from benchmarks.pipeline.words import FIRST_NAMES, LAST_NAMES, TOWNS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Watchlists"
SIZES = (10, 1_000, 10_000)
TERMS_PER_WATCHLIST = 20  # (10 terms OR'd) AND (10 terms OR'd): an entity list and a topic list


def articles(count: int, seed: int) -> list[Article]:
    """`count` generated news articles (title, 12-20 paragraphs, byline), about 3-6 KB each:
    the length of a news story."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        facts = prose.story(rng)
        text = "\n\n".join(prose.body(rng, facts, rng.randint(12, 20)))
        out.append(Article(facts.title, text, facts.author, "Generated Times", "en"))
    return out


def term_pool(corpus: list[Article], seed: int) -> list[str]:
    """10,000 distinct query terms as a newsroom writes them: one in ten a word, phrase, place or
    prefix* of the news, the rest people and other names, most of which never occur."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    bigrams: dict[str, None] = {}
    for article in corpus[:2000]:
        tokens = normal(article.text).split()
        counts.update(tokens)
        bigrams.update(dict.fromkeys(zip(tokens, tokens[1:], strict=False)))
    # Nobody watches "said" or "the": leave out the 300 commonest words.
    common = {word for word, _ in counts.most_common(300)}
    words = {w: None for w in counts if w not in common and len(w) > 3 and w.isalpha()}
    phrases = [f'"{a} {b}"' for a, b in bigrams if a not in common and b not in common
               and a.isalpha() and b.isalpha()]  # fmt: skip
    people = [f'"{f} {last}"' for f in FIRST_NAMES for last in LAST_NAMES]
    places = [f'"{t}"' if " " in t else t for t in TOWNS]
    made = [f"{w[:-2]}*" for w in list(words)[:200]]  # prefix terms
    news = list(dict.fromkeys([*words, *phrases, *places, *made]))
    rng.shuffle(news)
    rng.shuffle(people)
    # A real list of 10,000 terms is mostly names (people, companies, places, vessels), most
    # of them absent from any one article: a tenth of the terms come from the news itself.
    rare = [f"{rng.choice(FIRST_NAMES)} Zq{i}" for i in range(10_000)]
    names = [*people, *(f'"{r}"' for r in rare)]
    out: list[str] = []
    for n in range(10_000):
        pool = news if n % 10 == 0 and news else names
        out.append(pool.pop())
    return out


def watchlists(terms: list[str], size: int) -> dict[str, Query]:
    """`size` terms grouped into watchlists of TERMS_PER_WATCHLIST (fewer when size is small)."""
    group = min(TERMS_PER_WATCHLIST, size)
    chosen, out = terms[:size], {}
    for n, start in enumerate(range(0, size, group)):
        part = chosen[start : start + group]
        half = max(1, len(part) // 2)
        left, right = " OR ".join(part[:half]), " OR ".join(part[half:]) or part[0]
        out[f"w{n}"] = parse_query(f"({left}) AND ({right})")
    return out


@dataclass(frozen=True)
class Naive:
    """One compiled regex per term over the folded text, then each watchlist's tree."""

    patterns: dict[Term, re.Pattern[str]]
    queries: dict[str, Query]

    @classmethod
    def build(cls, queries: dict[str, Query]) -> Naive:
        patterns = {}
        for query in queries.values():
            for term in query.terms:
                body = r"\W+".join(map(re.escape, term.words))
                patterns[term] = re.compile(rf"\b{body}" + (r"\w*" if term.prefix else r"\b"))
        return cls(patterns, queries)

    def match(self, article: Article) -> set[str]:
        title, text = normal(article.title), normal(article.text)  # no phrase runs across
        found = {t for t, p in self.patterns.items() if p.search(title) or p.search(text)}
        return {name for name, q in self.queries.items() if _holds(q.root, found)}


def _holds(node, found) -> bool:
    if isinstance(node, Term):
        return node in found
    if isinstance(node, Not):
        return not _holds(node.operand, found)
    if isinstance(node, And):
        return all(_holds(o, found) for o in node.operands)
    assert isinstance(node, Or)
    return any(_holds(o, found) for o in node.operands)


def measure(corpus: list[Article], terms: list[str], size: int, naive_seconds: float) -> dict:
    """Articles/s of both ways at one size, and whether they agree."""
    queries = watchlists(terms, size)
    started = time.perf_counter()
    compiled = Watchlists(queries)
    build = time.perf_counter() - started
    # CPU time of this one process: the machine is shared, and wall time would measure the
    # neighbours too.
    started = time.process_time()
    fast = [set(compiled.match(article)) for article in corpus]
    fast_rate = len(corpus) / (time.process_time() - started)
    naive = Naive.build(queries)
    seen, started = 0, time.process_time()
    while seen < len(corpus) and (seen < 3 or time.process_time() - started < naive_seconds):
        if naive.match(corpus[seen]) != fast[seen]:
            raise SystemExit(f"disagreement at {size} terms on article {seen}")
        seen += 1
    naive_rate = seen / (time.process_time() - started)
    matched = sum(bool(found) for found in fast)
    return {"size": size, "watchlists": len(queries), "build": build, "fast": fast_rate,
            "naive": naive_rate, "naive_articles": seen, "matched": matched}  # fmt: skip


def report(rows: list[dict], count: int, kb: float, command: str) -> str:
    """The markdown section body."""
    lines = [
        f"`{command}` — {count:,} generated articles (mean {kb:.1f} KB of title and text), one "
        f"process on one core, rates from its CPU time; watchlists of {TERMS_PER_WATCHLIST} terms, "
        "`(10 terms OR'd) AND (10 terms OR'd)`, terms drawn from the news's own words and "
        "phrases, people, places, prefix* forms and rare names. The regex way is timed on the "
        "first articles only; both ways agreed on every article both saw.",
        "",
        "| terms | watchlists | automaton build | one automaton pass (articles/s) | one regex per "
        "term (articles/s) | articles timed (regex) | articles matching any watchlist |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['watchlists']:,} | {r['build']:.2f} s | {r['fast']:,.0f} | "
            f"{r['naive']:,.1f} | {r['naive_articles']:,} | {r['matched']:,} / {count:,} |"
        )
    return "\n".join(lines)


def measured_block(command: str, intro: str, lines: list[str], load: float) -> list[str]:
    """A section's opening: the command and what it measures, its printed lines fenced, and the
    load average at the start (`load`) and now."""
    now = os.getloadavg()[0]
    return [f"`{command}`: {intro}", "", "```", *lines, "```", "",
            f"Load average {load:.1f} at the start, {now:.1f} at the end."]  # fmt: skip


def write_section(body: str, doc: Path = DOC, heading: str = HEADING) -> None:
    """Replace the text under `heading` (up to the next "## ") in doc, or append it."""
    text = doc.read_text(encoding="utf-8")
    section = f"{heading}\n\n{body.strip()}\n\n"
    start = text.find(f"{heading}\n")
    if start < 0:
        doc.write_text(text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n", encoding="utf-8")
        return
    end = text.find("\n## ", start + len(heading))
    rest = "" if end < 0 else text[end + 1 :]
    doc.write_text(text[:start] + section + rest, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure every size and print the table; --write also puts it in docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--naive-seconds", type=float, default=20.0)
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}' in {DOC.name}")
    args = parser.parse_args(argv)
    corpus = articles(args.articles, args.seed)
    terms = term_pool(corpus, args.seed)
    kb = sum(len(a.title) + len(a.text) for a in corpus) / len(corpus) / 1000
    load = os.getloadavg()[0]
    rows = [measure(corpus, terms, size, args.naive_seconds) for size in SIZES]
    command = "python -m benchmarks.watchlists.run " + " ".join(argv or sys.argv[1:])
    body = report(rows, len(corpus), kb, command.strip())
    body += (f"\n\nLoad average {load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end "
             "(2 cores shared with other work): CPU time still counts cache and core sharing.")
    print(f"{HEADING}\n\n{body}")
    if args.write:
        write_section(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
