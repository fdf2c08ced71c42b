"""The watchlist benchmark at a tiny size: both ways agree and the report has every row.

Speed is not asserted (that is the benchmark's job); this keeps the benchmark runnable and uses
its one-regex-per-term matcher as an independent check of the automaton on generated news.
"""

from __future__ import annotations

from benchmarks.watchlists.run import SIZES, articles, measure, report, term_pool


def test_automaton_and_one_regex_per_term_agree_on_generated_news() -> None:
    corpus = articles(60, seed=3)
    terms = term_pool(corpus, seed=3)
    assert len(terms) == 10_000 and len(set(terms)) == 10_000
    rows = [measure(corpus, terms, size, naive_seconds=0.5) for size in (10, 1_000)]
    # measure() stops the run on the first article the two ways disagree on.
    assert all(row["naive_articles"] >= 3 for row in rows)
    assert rows[1]["watchlists"] == 50 and rows[1]["matched"] > 0
    table = report(rows, len(corpus), 4.0, "python -m benchmarks.watchlists.run").splitlines()
    assert [line.split("|")[1].strip() for line in table[4:]] == ["10", "1,000"]
    assert SIZES[-1] == 10_000
