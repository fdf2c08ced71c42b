"""Every query the old language parses means the same in the new one: random queries over
generated news, old and new `match` compared (match or not, terms, snippet).

    git show df88206:alerts/query.py > /tmp/old_query.py
    .venv/bin/python -m benchmarks.watchlists.compat /tmp/old_query.py [--queries 1500]

df88206 is the last commit before issue 17. Prints each difference, then a count.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from types import ModuleType

from alerts.query import QueryError, match, parse_query
from alerts.terms import normal
from benchmarks.watchlists.run import articles

_EXTRA = ["Russia's", "al-Assad", "COVID-19", "Pokémon", "Straße", "naïve", "the", "and", "or",
          "not"]  # fmt: skip
_ODD_TEXTS = [("", "Russia’s al Assad and COVID 19: Pokemon STRASSE naive x-ray"),
              ("Straße", "al-Assad's russia")]  # fmt: skip


def load(path: str) -> ModuleType:
    """The old query module from a file."""
    spec = importlib.util.spec_from_file_location("old_query", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_query"] = module
    spec.loader.exec_module(module)
    return module


def random_query(rng: random.Random, vocab: list[str], depth: int = 0) -> str:
    """A query of today's syntax: words, phrases, prefixes, AND, OR, NOT, -, parentheses."""
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        word = rng.choice(vocab + _EXTRA)
        if roll < 0.05:
            return f'"{word} {rng.choice(vocab)}"'
        if roll < 0.1 and len(word) > 3 and word.isalpha():
            return word[:-1] + "*"
        return word.upper() if roll < 0.12 else word
    left, right = (random_query(rng, vocab, depth + 1) for _ in range(2))
    return rng.choice([f"({left} OR {right})", f"{left} AND {right}", f"{left} {right}",
                       f"{left} -{rng.choice(vocab)}", f"{left} NOT ({right})"])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Compare; exit 1 if any query means something else now."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="a copy of the old alerts/query.py")
    parser.add_argument("--queries", type=int, default=1500)
    args = parser.parse_args(argv)
    old, rng = load(args.old), random.Random(5)
    corpus = articles(400, seed=9)
    vocab = sorted({w for a in corpus[:100] for w in normal(a.text).split()})
    texts = [(a.title, a.text) for a in corpus]
    compared = differences = 0
    for _ in range(args.queries):
        text = random_query(rng, vocab)
        try:
            before = old.parse_query(text)
        except old.QueryError:
            continue
        try:
            after = parse_query(text)
        except QueryError as exc:
            print(f"refused now: {text!r}: {exc}")
            differences += 1
            continue
        for title, body in rng.sample(texts, 40) + _ODD_TEXTS:
            a, b = old.match(before, title, body), match(after, title, body)
            compared += 1
            if (a is None) != (b is None) or (a and (a.terms, a.snippet) != (b.terms, b.snippet)):
                differences += 1
                print(f"differs: {text!r} on {title!r}: {a} / {b}")
    print(f"{compared:,} comparisons, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
