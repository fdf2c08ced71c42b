"""Per-outlet boilerplate learning: sentences that recur across an outlet's articles (pure)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A sentence ends at . ! ? (and closing quotes) before whitespace; lines are paragraphs.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
# Too short to tell boilerplate from prose that merely happens to repeat ("He said.").
MIN_SENTENCE_CHARS = 12
# Numbers are folded only in lines this short: a stamp ("© 2026 Gazette Media", "Updated 12:40")
# changes its numbers on every page, while a long sentence that differs only in its figures
# ("Officials put the cost at £4 million, 12 per cent more…") is news written to a template.
MAX_FOLDED_WORDS = 8


@dataclass(frozen=True)
class LearningRules:
    """When a recurring sentence counts as an outlet's boilerplate."""

    warmup: int = 10  # learn nothing before this many of the outlet's articles are stored
    min_articles: int = 5  # a quote in two or three follow-ups is the story, not the site
    min_share: float = 0.2  # …and in at least this share of the articles looked at
    window: int = 200  # the outlet's latest articles looked at: old site furniture ages out


DEFAULT_RULES = LearningRules()


def sentences(text: str) -> list[tuple[int, str]]:
    """(line number, sentence) of a clean text, one paragraph per line."""
    return [
        (number, sentence)
        for number, line in enumerate(text.splitlines())
        for sentence in _line_sentences(line)
    ]


def _line_sentences(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]


def fingerprint(sentence: str) -> int | None:
    """A 63-bit hash of the folded sentence (case, accents, punctuation; numbers in short
    lines); None if too short to tell."""
    folded = unicodedata.normalize("NFKD", sentence.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _NON_WORD.sub(" ", folded).strip()
    if folded.count(" ") < MAX_FOLDED_WORDS:
        folded = _DIGITS.sub("0", folded)
    if len(folded) < MIN_SENTENCE_CHARS:
        return None
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest()) >> 1


def fingerprints(text: str) -> set[int]:
    """The distinct sentence fingerprints of a text."""
    return {fp for _, sentence in sentences(text) if (fp := fingerprint(sentence)) is not None}


def learn(articles: Sequence[set[int]], rules: LearningRules = DEFAULT_RULES) -> dict[int, int]:
    """Fingerprints found in enough of these articles (newest first) -> in how many."""
    recent = articles[: rules.window]
    if len(recent) < rules.warmup:
        return {}
    counts = Counter(fp for article in recent for fp in article)
    needed = max(rules.min_articles, rules.min_share * len(recent))
    return {fp: count for fp, count in counts.items() if count >= needed}


def strip(text: str, learned: Iterable[int] | set[int]) -> str:
    """The text without its learned boilerplate sentences; emptied paragraphs are dropped.

    Paragraphs that lose nothing are kept exactly as written, so a text without boilerplate
    comes back unchanged (its content hash, and so its versions, do not move)."""
    learned = learned if isinstance(learned, set) else set(learned)
    if not learned:
        return text
    kept: list[str] = []
    changed = False
    for line in text.splitlines():
        parts = _line_sentences(line)
        remaining = [s for s in parts if fingerprint(s) not in learned]
        if len(remaining) == len(parts):
            kept.append(line)
            continue
        changed = True
        if remaining:
            kept.append(" ".join(remaining))
    return "\n".join(kept) if changed else text


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
