"""Benchmark: story clustering (StoryIndex) and update triage (classify_update) on generated news.

.venv/bin/python benchmarks/stories/score.py [--seed 2] [--write] [--details] [--sweep]
(or .venv/bin/python -m benchmarks.stories.score from the repository root)
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if not __package__:  # run as a script: make `benchmarks` importable, as `-m` does
    sys.path.insert(0, str(ROOT))

from benchmarks.stories import corpus as corpora  # noqa: E402
from storage import similarity  # noqa: E402
from storage.similarity import StoryIndex, signature  # noqa: E402
from storage.updates import classify_update  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Story clustering"
COMMAND = ".venv/bin/python benchmarks/stories/score.py"


@dataclass(frozen=True)
class Counts:
    """Pair counts of one judgement against the labels."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """Share of pairs judged same story that are."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of same-story pairs judged so."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def cluster(articles: Iterable[corpora.Copy], sigs: dict[str, bytes]) -> dict[str, str]:
    """Stream articles through a StoryIndex as ingest would: each joins its best match's story."""
    index: StoryIndex[str] = StoryIndex()
    story_of: dict[str, str] = {}
    for article in articles:
        match = index.find(sigs[article.key])
        story_of[article.key] = story_of[match] if match is not None else article.key
        index.add(article.key, sigs[article.key])
    return story_of


def pair_counts(
    positives: list[corpora.Pair], negatives: list[corpora.Pair], same: Callable[[str, str], bool]
) -> Counts:
    """Judge labelled pairs."""
    tp = sum(same(a, b) for a, b in positives)
    fp = sum(same(a, b) for a, b in negatives)
    return Counts(tp, fp, len(positives) - tp, len(negatives) - fp)


def all_pairs(truth: dict[str, str], predicted: dict[str, str]) -> Counts:
    """Every pair of articles in the corpus, from cluster sizes (no pair enumeration)."""
    both = Counter((truth[k], predicted[k]) for k in truth)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    said_pairs = sum(n * (n - 1) // 2 for n in Counter(predicted.values()).values())
    total = len(truth) * (len(truth) - 1) // 2
    return Counts(tp, said_pairs - tp, true_pairs - tp, total - true_pairs - said_pairs + tp)


def update_confusion(pairs: list[corpora.UpdatePair]) -> tuple[Counter, Counter, list[str]]:
    """(label, verdict) counts, (label, edit, right?) counts and a line per misclassified pair."""
    confusion: Counter = Counter()
    by_edit: Counter = Counter()
    misses = []
    for pair in pairs:
        verdict = classify_update(pair.old_title, pair.old_text, pair.new_title, pair.new_text)
        confusion[(pair.kind, verdict.kind)] += 1
        by_edit[(pair.kind, pair.edit, verdict.kind == pair.kind)] += 1
        if verdict.kind != pair.kind:
            misses.append(f"{pair.kind} ({pair.edit}) judged {verdict.kind}: {verdict.reason}")
    return confusion, by_edit, misses


def timings(seed: int, window: int = 10_000) -> dict[str, float]:
    """µs per signature of a ~5 KB text, index build for `window` articles, µs per lookup."""
    background = corpora.distinct_stories(seed + 1000, window + 500)
    text = _five_kb(background)
    signature("", text)
    sig_us = _median_us(lambda: signature("", text), 200)
    sigs = [(a.key, signature(a.title, a.text)) for a in background[:window]]
    started = time.perf_counter()
    index = StoryIndex.build(sigs)
    build_s = time.perf_counter() - started
    queries = [signature(a.title, a.text) for a in background[window:]]
    queries += [sig for _, sig in sigs[:500]]  # half new stories, half copies of indexed ones
    started = time.perf_counter()
    for query in queries:
        index.find(query)
    lookup_us = (time.perf_counter() - started) / len(queries) * 1e6
    old, new = text.replace("said", "told reporters", 1), text + "\nA new paragraph of facts."
    update_us = _median_us(lambda: classify_update("t", old, "t", new), 200)
    return {"signature_us": sig_us, "build_s": build_s, "lookup_us": lookup_us,
            "indexed": len(index), "update_us": update_us, "bytes": len(sigs[0][1])}  # fmt: skip


def seed_checks(texts: dict[str, str]) -> list[str]:
    """The issue's fixtures: 000 and 001 are one story, 002-004 differ from 000 and each other."""
    if not texts:
        return []
    sigs = {name: signature("", text) for name, text in texts.items()}
    lines = []
    for a, b in itertools.combinations(sorted(sigs), 2):
        expected = {a, b} == {"000", "001"}
        found = similarity.same_story(sigs[a], sigs[b])
        estimate = similarity.similarity(sigs[a], sigs[b])
        mark = "ok" if found == expected else "WRONG"
        lines.append(
            f"{a}-{b}: {'same' if found else 'different'} ({mark}; "
            f"J={estimate.jaccard:.2f}, C={estimate.containment:.2f})"
        )
    return lines


def sweep(corpus: corpora.Corpus, sigs: dict[str, bytes]) -> list[str]:
    """Direct pair precision/recall for a grid of thresholds (for choosing them)."""
    estimates = {
        pair: similarity.similarity(sigs[pair[0]], sigs[pair[1]])
        for pair in corpus.positives + corpus.negatives
    }
    lines = ["| min containment | min jaccard | precision | recall |", "|---|---|---|---|"]
    for containment in (0.3, 0.4, 0.5, 0.6, 0.7):
        for jaccard in (0.1, 0.15, 0.2, 0.25, 0.3):

            def same(a: str, b: str, c: float = containment, j: float = jaccard) -> bool:
                found = estimates[(a, b)]
                return found.containment >= c and found.jaccard >= j

            counts = pair_counts(corpus.positives, corpus.negatives, same)
            lines.append(
                f"| {containment} | {jaccard} | {counts.precision:.4f} | {counts.recall:.4f} |"
            )
    positives = sorted(estimates[p].jaccard for p in corpus.positives)
    negatives = sorted(estimates[p].containment for p in corpus.negatives)
    lines.append(f"\npositives: lowest Jaccard {positives[:5]}")
    lines.append(f"negatives: highest containment {negatives[-5:]}")
    return lines


@dataclass(frozen=True)
class Results:
    """Everything one run of the benchmark measured on one corpus."""

    corpus: corpora.Corpus
    predicted: dict[str, str]  # article key -> the key of its story's first article
    via_index: Counts
    direct: Counts
    everything: Counts  # every pair of non-brief articles
    briefs: tuple[int, int]  # brief copy pairs clustered, pairs merged with another story
    confusion: Counter
    by_edit: Counter
    misses: list[str]


def evaluate(corpus: corpora.Corpus, sigs: dict[str, bytes]) -> Results:
    """Cluster the corpus through a StoryIndex and triage its updates."""
    truth = {a.key: a.story for a in corpus.articles}
    predicted = cluster(corpus.articles, sigs)
    via_index = pair_counts(
        corpus.positives, corpus.negatives, lambda a, b: predicted[a] == predicted[b]
    )
    direct = pair_counts(
        corpus.positives, corpus.negatives, lambda a, b: similarity.same_story(sigs[a], sigs[b])
    )
    brief_keys = {key for pair in corpus.short for key in pair}
    everything = all_pairs(
        {k: v for k, v in truth.items() if k not in brief_keys},
        {k: v for k, v in predicted.items() if k not in brief_keys},
    )
    clustered = sum(predicted[a] == predicted[b] for a, b in corpus.short)
    merged = all_pairs(truth, predicted).fp - everything.fp
    confusion, by_edit, misses = update_confusion(corpus.updates)
    return Results(
        corpus, predicted, via_index, direct, everything, (clustered, merged), confusion, by_edit,
        misses,
    )  # fmt: skip


def report(seed: int, days: int, details: bool, do_sweep: bool, do_timing: bool) -> str:
    """Run everything and return the markdown section body."""
    corpus = corpora.build(seed, days)
    sigs = {a.key: signature(a.title, a.text) for a in corpus.articles}
    results = evaluate(corpus, sigs)
    lines = _tables(results, seed, days)
    if do_timing:
        lines += _timing_lines(timings(seed))
    checks = seed_checks(corpora.seed_fixtures())
    if checks:
        lines += ["", "Seed fixtures (`shared/seeds`): " + "; ".join(checks) + "."]
    if details:
        lines += ["", "Missed copies:", *_missed(corpus, results.predicted), "", "Update misses:"]
        lines += results.misses or ["(none)"]
    if do_sweep:
        lines += ["", *sweep(corpus, sigs)]
    return "\n".join(lines)


def write_section(body: str, doc: Path = DOC) -> bool:
    """Replace the text under HEADING (up to the next "## ") in doc; False if doc is missing."""
    if not doc.exists():
        return False
    text = doc.read_text(encoding="utf-8")
    section = f"{HEADING}\n\n{body.strip()}\n\n"
    start = text.find(f"{HEADING}\n")
    if start < 0:
        doc.write_text(text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n", encoding="utf-8")
        return True
    end = text.find("\n## ", start + len(HEADING))
    rest = "" if end < 0 else text[end + 1 :]
    doc.write_text(text[:start] + section + rest, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark section; with --write also put it in docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2, help="1 tuned the thresholds; 2 reports")
    parser.add_argument("--days", type=int, default=160, help="beat-days of 3-4 stories each")
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}' in {DOC.name}")
    parser.add_argument("--details", action="store_true", help="list every miss")
    parser.add_argument("--sweep", action="store_true", help="precision/recall per threshold")
    parser.add_argument("--no-timing", action="store_true", help="skip the 10k-article timings")
    parser.add_argument(
        "--shingles", type=int, choices=(3, 4, 5), help="override SHINGLE_WORDS (measuring only)"
    )
    args = parser.parse_args(argv)
    if args.shingles:
        similarity.SHINGLE_WORDS = args.shingles
    body = report(args.seed, args.days, args.details, args.sweep, not args.no_timing)
    print(f"{HEADING}\n\n{body}")
    if args.write:
        written = write_section(body)
        print(f"\n{'wrote' if written else 'not written: missing'} {DOC.relative_to(ROOT)}")
    return 0


def _tables(results: Results, seed: int, days: int) -> list[str]:
    corpus, confusion = results.corpus, results.confusion
    cosmetic_material = confusion["cosmetic", "material"]
    updates = sum(confusion.values())
    correct = confusion["cosmetic", "cosmetic"] + confusion["material", "material"]
    return [
        f"`{COMMAND} --seed {seed} --days {days}`: {len(corpus.articles)} generated articles"
        f" ({len({a.story for a in corpus.articles})} stories on {days} beat-days),"
        f" {len(corpus.positives)} same-story pairs, {len(corpus.negatives)} distinct same-day"
        f" pairs, {updates} update pairs. Shingles of {similarity.SHINGLE_WORDS} words,"
        f" {similarity.NUM_PERM} permutations, LSH {similarity.LSH_BANDS}x{similarity.LSH_ROWS},"
        f" same story when containment ≥ {similarity.MIN_CONTAINMENT} and Jaccard ≥"
        f" {similarity.MIN_JACCARD}.",
        "",
        "| story clustering | precision | recall | TP | FP | FN |",
        "|---|---|---|---|---|---|",
        _row("labelled pairs, via StoryIndex (streamed)", results.via_index),
        _row("labelled pairs, same_story() directly", results.direct),
        _row("all article pairs (briefs aside), via StoryIndex", results.everything),
        "",
        f"Short briefs (under {similarity.MIN_WORDS} words of story; never clustered on their own):"
        f" {results.briefs[0]} of {len(corpus.short)} copy pairs clustered (only a copy padded"
        f" past {similarity.MIN_WORDS} words by leftover furniture can be), {results.briefs[1]}"
        " pairs wrongly merged with another story.",
        "",
        "| update triage | judged cosmetic | judged material |",
        "|---|---|---|",
        f"| cosmetic | {confusion['cosmetic', 'cosmetic']} | {cosmetic_material} |",
        f"| material | {confusion['material', 'cosmetic']} | {confusion['material', 'material']} |",
        "",
        f"Update accuracy {correct / updates:.4f}; cosmetic edits judged material (would alert):"
        f" **{cosmetic_material}**.",
        "",
        _edit_line(results.by_edit),
    ]


def _edit_line(by_edit: Counter) -> str:
    edits = sorted({(kind, edit) for kind, edit, _ in by_edit})
    parts: dict[str, list[str]] = {"cosmetic": [], "material": []}
    for kind, edit in edits:
        right, wrong = by_edit[kind, edit, True], by_edit[kind, edit, False]
        parts[kind].append(f"{edit} {right}/{right + wrong}")
    return (
        f"Right by edit: cosmetic {', '.join(parts['cosmetic'])};"
        f" material {', '.join(parts['material'])}."
    )


def _row(name: str, counts: Counts) -> str:
    return (
        f"| {name} | {counts.precision:.4f} | {counts.recall:.4f} | {counts.tp} | {counts.fp}"
        f" | {counts.fn} |"
    )


def _timing_lines(found: dict[str, float]) -> list[str]:
    load = os.getloadavg()[0]  # the box is shared: timings scale with it
    return [
        "",
        f"| speed (one process; load average {load:.1f} on {os.cpu_count()} CPUs) | |",
        "|---|---|",
        f"| signature of a 5 KB article | {found['signature_us']:.0f} µs |",
        f"| StoryIndex.build from {found['indexed']:,} signatures | {found['build_s']:.2f} s |",
        f"| find() in that index | {found['lookup_us']:.0f} µs |",
        f"| classify_update of a 5 KB article | {found['update_us']:.0f} µs |",
        f"| signature size | {found['bytes']} bytes |",
    ]


def _missed(corpus: corpora.Corpus, predicted: dict[str, str]) -> list[str]:
    edits = {a.key: a.edits for a in corpus.articles}
    lines = []
    for a, b in corpus.positives:
        if predicted[a] != predicted[b]:
            lines.append(f"{a} / {b}: {', '.join(edits[a]) or 'as sent'} | {', '.join(edits[b])}")
    return lines or ["(none)"]


def _five_kb(articles: list[corpora.Copy]) -> str:
    text = "\n".join(a.text for a in articles[:20])
    return text[: text.rfind(" ", 0, 5000)]


def _median_us(call: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


if __name__ == "__main__":
    sys.exit(main())
