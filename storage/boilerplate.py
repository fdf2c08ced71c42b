"""Per-outlet boilerplate learning (pure): sentences that recur as site furniture, cut there."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from spiders.text import fold
from spiders.text import sentences as split_sentences

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
# Too short to tell boilerplate from prose that merely happens to repeat ("He said.").
MIN_SENTENCE_CHARS = 12
# Numbers are folded only in lines this short: a stamp ("© 2026 Gazette Media", "Updated 12:40")
# changes its numbers on every page, while a long sentence that differs only in its figures
# ("Officials put the cost at £4 million, 12 per cent more…") is news written to a template.
MAX_FOLDED_WORDS = 8
# A stored learning entry is `(paragraph + 1) << 80 | sentence << 64 | fingerprint`: sorted,
# the entries read the text in order. Fingerprints are below 2**63, so entries stored before
# places were kept (plain fingerprints) are told apart by size.
_FINGERPRINT_BITS, _SENTENCE_BITS = 64, 16
_PARAGRAPH_SHIFT = _FINGERPRINT_BITS + _SENTENCE_BITS
_PLACED = 1 << _PARAGRAPH_SHIFT
_FINGERPRINT_MASK = (1 << _FINGERPRINT_BITS) - 1

# Where a recurring sentence stood in one article, the most furniture-like first. "cut": the
# article was stored before places were kept and the sentence was cut from it as boilerplate;
# it counts as furniture, so an outlet's appeal stays learned until those articles age out.
Role = Literal["alone", "block", "edge", "cut", "inside"]
_RANK: dict[Role, int] = {"alone": 0, "block": 1, "edge": 2, "cut": 3, "inside": 4}
Paragraphs = Sequence[Sequence[int | None]]  # fingerprints by line; None: too short, ignored


@dataclass(frozen=True)
class LearningRules:
    """When a recurring sentence counts as an outlet's boilerplate."""

    warmup: int = 10  # learn nothing before this many of the outlet's articles are stored
    # A sentence recurs from this many articles on, and must stand as furniture in as many:
    # a quote in two or three follow-ups is the story's own.
    min_articles: int = 5
    min_share: float = 0.2  # …and as furniture in at least this share of the articles looked at
    window: int = 200  # the outlet's latest articles looked at: old site furniture ages out


DEFAULT_RULES = LearningRules()


@dataclass(frozen=True)
class Layout:
    """Where one article's sentences stand: each paragraph's fingerprints in reading order."""

    paragraphs: tuple[tuple[int, ...], ...]
    cut: frozenset[int] = frozenset()  # stored before places were kept: cut as boilerplate

    def carried(self) -> set[int]:
        """The distinct fingerprints of the article, cut ones included."""
        return {fp for paragraph in self.paragraphs for fp in paragraph} | self.cut


@dataclass(frozen=True)
class Evidence:
    """In how many of the articles looked at a sentence stood where (each article once, by
    its most furniture-like place): alone in its paragraph, in a block of recurring sentences,
    at the top or tail of the body, cut before places were kept, or inside new text."""

    alone: int = 0
    block: int = 0
    edge: int = 0
    cut: int = 0
    inside: int = 0

    @property
    def furniture(self) -> int:
        """The articles in which it stood as site furniture."""
        return self.alone + self.block + self.edge + self.cut


def sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) of a clean text, one paragraph per line."""
    return [
        (number, sentence)
        for number, line in enumerate(text.splitlines())
        for sentence in split_sentences(line)
    ]


def fingerprint(sentence: str) -> int | None:
    """A 63-bit hash of the folded sentence (case, accents, punctuation; numbers in short
    lines); None if too short to tell."""
    folded = _NON_WORD.sub(" ", fold(sentence)).strip()
    if folded.count(" ") < MAX_FOLDED_WORDS:
        folded = _DIGITS.sub("0", folded)
    if len(folded) < MIN_SENTENCE_CHARS:
        return None
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest()) >> 1


def _paragraphs(text: str) -> list[list[int | None]]:
    return [[fingerprint(s) for s in split_sentences(line)] for line in text.splitlines()]


def layout(text: str) -> Layout:
    """Where a clean text's sentences stand (paragraphs without a fingerprint left out)."""
    kept = (tuple(fp for fp in line if fp is not None) for line in _paragraphs(text))
    return Layout(tuple(paragraph for paragraph in kept if paragraph))


def fingerprints(text: str) -> set[int]:
    """The learning input stored with an article: each sentence's fingerprint with its place
    (paragraph and order), which `read_layout` reads back."""
    return {
        (number + 1) << _PARAGRAPH_SHIFT | min(index, 0xFFFF) << _FINGERPRINT_BITS | fp
        for number, line in enumerate(_paragraphs(text))
        for index, fp in enumerate(line)
        if fp is not None
    }


def needs_text(entries: Collection[int] | None) -> bool:
    """Whether reading this stored learning input takes the article's text: none stored, or
    plain fingerprints stored before places were kept."""
    return not entries or max(entries) < _PLACED


def read_layout(entries: Collection[int] | None, text: str = "") -> Layout:
    """An article's layout from its stored learning input. Without places, it comes from the
    text, and fingerprints missing from the text were cut from it as boilerplate."""
    if not needs_text(entries):
        paragraphs: dict[int, list[int]] = defaultdict(list)
        for entry in sorted(entries or ()):
            paragraphs[entry >> _PARAGRAPH_SHIFT].append(entry & _FINGERPRINT_MASK)
        return Layout(tuple(tuple(fps) for fps in paragraphs.values()))
    found = layout(text)
    return Layout(found.paragraphs, frozenset(entries or ()) - found.carried())


def roles(paragraphs: Paragraphs, recurring: Container[int]) -> dict[tuple[int, int], Role]:
    """Where each recurring sentence of one article stands, by (paragraph, sentence): "alone"
    or in a "block" when every sentence of its paragraph recurs; at the "edge" when new text
    shares its paragraph but none stands between it and the top or tail of the body; else
    "inside" new text, where it is the story's own. Too-short sentences (None) are ignored."""
    edges = _edges(paragraphs, recurring)
    found: dict[tuple[int, int], Role] = {}
    for p, line in enumerate(paragraphs):
        known = [fp for fp in line if fp is not None]
        mixed = any(fp not in recurring for fp in known)
        for s, fp in enumerate(line):
            if fp is None or fp not in recurring:
                continue
            if not mixed:
                found[p, s] = "alone" if len(known) == 1 else "block"
            else:
                found[p, s] = "edge" if (p, s) in edges else "inside"
    return found


def _edges(paragraphs: Paragraphs, recurring: Container[int]) -> set[tuple[int, int]]:
    # The recurring sentences before the body's first new sentence and after its last one.
    order = [(p, s) for p, line in enumerate(paragraphs) for s in range(len(line))]
    order = [(p, s) for p, s in order if paragraphs[p][s] is not None]
    new = [i for i, (p, s) in enumerate(order) if paragraphs[p][s] not in recurring]
    if not new:
        return set(order)
    return set(order[: new[0]]) | set(order[new[-1] + 1 :])


def article_roles(article: Layout, recurring: Container[int]) -> dict[int, Role]:
    """Each recurring sentence's most furniture-like place in one article."""
    best: dict[int, Role] = {fp: "cut" for fp in article.cut if fp in recurring}
    for (p, s), role in roles(article.paragraphs, recurring).items():
        fp = article.paragraphs[p][s]
        if fp not in best or _RANK[role] < _RANK[best[fp]]:
            best[fp] = role
    return best


def evidence(
    articles: Sequence[Layout], rules: LearningRules = DEFAULT_RULES
) -> dict[int, Evidence]:
    """Where each sentence recurring in the latest articles (newest first; in at least
    `min_articles` of them) stood in each of them."""
    recent = articles[: rules.window]
    seen = Counter(fp for article in recent for fp in article.carried())
    recurring = {fp for fp, count in seen.items() if count >= rules.min_articles}
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    for article in recent:
        for fp, role in article_roles(article, recurring).items():
            tally[fp][role] += 1
    return {fp: Evidence(**counts) for fp, counts in tally.items()}


def learn(articles: Sequence[Layout], rules: LearningRules = DEFAULT_RULES) -> dict[int, Evidence]:
    """The outlet's boilerplate (articles newest first) -> its evidence: sentences that stood as
    furniture in at least `min_articles` and `min_share` of the articles, and in most of the
    articles that carry them."""
    recent = articles[: rules.window]
    if len(recent) < rules.warmup:
        return {}
    needed = max(rules.min_articles, rules.min_share * len(recent))
    return {
        fp: found
        for fp, found in evidence(recent, rules).items()
        if found.furniture >= needed and found.furniture > found.inside
    }


def strip(text: str, learned: Iterable[int] | set[int]) -> str:
    """The text without its learned boilerplate where it stands as furniture (`roles`, with
    the learned sentences as the recurring ones); emptied paragraphs are dropped. A learned
    sentence inside a paragraph with new text stays: there it is the story's own.

    Paragraphs that lose nothing are kept exactly as written, so a text without boilerplate
    comes back unchanged (its content hash, and so its versions, do not move)."""
    learned = learned if isinstance(learned, set) else set(learned)
    if not learned:
        return text
    lines = text.splitlines()
    parts = [split_sentences(line) for line in lines]
    found = roles([[fingerprint(s) for s in part] for part in parts], learned)
    cut = {place for place, role in found.items() if role != "inside"}
    if not cut:
        return text
    kept: list[str] = []
    for p, (line, part) in enumerate(zip(lines, parts, strict=True)):
        remaining = [s for i, s in enumerate(part) if (p, i) not in cut]
        if len(remaining) == len(part):
            kept.append(line)
        elif remaining:
            kept.append(" ".join(remaining))
    return "\n".join(kept)


def examples(texts: Iterable[str], wanted: Iterable[int]) -> dict[int, str]:
    """One sentence as written for each wanted fingerprint found in the texts (pure)."""
    missing = set(wanted)
    found: dict[int, str] = {}
    for text in texts:
        if not missing:
            break
        for _, sentence in sentences(text):
            fp = fingerprint(sentence)
            if fp in missing:
                found[fp] = sentence
                missing.discard(fp)
    return found
