"""Update triage: is a new version of an article a cosmetic edit or a material update?"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from spiders.text import CORRECTION, STAMP, fold
from storage.similarity import is_furniture, strip_appeals

Kind = Literal["cosmetic", "material"]
_Opcode = tuple[str, int, int, int, int]

# A copy-edit pass may fix a few misspelt words; more changed words than this is a rewrite.
MAX_TYPO_WORDS = 3
PASSAGE_CHARS = 400  # enough for an alert to quote the changed paragraph

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")  # "1,500" and "1500" are one figure
# A one-letter edit that turns one of these words into another changes the facts ("million" →
# "billion", "ever" → "never", "now" → "not"); fixing a misspelling into one ("fist" → "first",
# "neever" → "never") does not.
_FACT_WORDS = frozenset((
    "no", "not", "nor", "now", "never", "ever", "none", "on", "one", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "hundred", "thousand",
    "million", "billion", "trillion", "first", "second", "third", "fourth", "fifth", "increase",
    "increased", "increases", "decrease", "decreased", "decreases", "rise", "rose", "fall",
    "fell", "his", "her", "he", "she", "him", "we", "us", "they", "them", "won", "lost", "win",
    "lose", "dead", "died", "live", "lived", "east", "west", "least", "most", "more", "less",
    "before", "after", "guilty", "acquitted", "can", "cant", "will", "wont", "did", "didnt",
))  # fmt: skip


@dataclass(frozen=True)
class UpdateKind:
    """The verdict on one new version, why, and the passage an update alert should quote."""

    kind: Kind
    reason: str
    passage: str = ""  # material: the new text that changed (for a removal, the removed text)

    @property
    def material(self) -> bool:
        """True for an update that counts as news."""
        return self.kind == "material"


@dataclass(frozen=True)
class _Text:
    paragraphs: list[str]  # as written, stamps and furniture left out
    lines: list[str]  # each paragraph's folded words, space-separated
    tokens: list[str]  # all the words
    starts: list[int]  # index in tokens where each paragraph starts, then len(tokens)


def classify_update(old_title: str, old_text: str, new_title: str, new_text: str) -> UpdateKind:
    """Cosmetic (whitespace, punctuation, stamps, up to MAX_TYPO_WORDS typo fixes) or material."""
    old, new = _content(old_text), _content(new_text)
    note = _new_correction(old.paragraphs, new.paragraphs)
    if note:
        return UpdateKind("material", "correction note added", note[:PASSAGE_CHARS])
    old_words, new_words = _tokens(old_title).split(), _tokens(new_title).split()
    title_typos, title_change = _typo_fixes(old_words, new_words)
    if title_change is not None:
        return UpdateKind("material", "headline changed", new_title[:PASSAGE_CHARS])
    body_typos, change = _body_fixes(old, new)
    if change is not None:
        tag, i1, i2, j1, j2 = change
        passage = _passage(old, new, tag, (i1, i2), (j1, j2))
        return _material(old.tokens[i1:i2], new.tokens[j1:j2], passage)
    typos = title_typos + body_typos
    if len(typos) > MAX_TYPO_WORDS:
        return UpdateKind("material", f"{_count(typos)} changed", new_text[:PASSAGE_CHARS])
    if typos:
        return UpdateKind("cosmetic", "typo fix: " + ", ".join(typos))
    return UpdateKind("cosmetic", "same words: whitespace, punctuation, case or a timestamp line")


def _content(text: str) -> _Text:
    paragraphs = [
        line
        for line in (strip_appeals(raw.strip()) for raw in text.splitlines())
        if line and not STAMP.match(line) and not _is_furniture(line)
    ]
    # Folded and tokenised as one string: per paragraph costs twice as much on a long article.
    lines = _tokens("\n".join(paragraphs)).split("\n") if paragraphs else []
    tokens: list[str] = []
    starts = [0]
    for line in lines:
        tokens += line.split()
        starts.append(len(tokens))
    return _Text(paragraphs, lines, tokens, starts)


def _is_furniture(line: str) -> bool:
    # Correction notes look like furniture to story matching but are news here.
    return is_furniture(line) and not CORRECTION.search(line)


def _tokens(text: str) -> str:
    """Folded words of each line, space-separated, one line per input line."""
    text = _THOUSANDS.sub("", fold(text).replace("%", " per cent "))
    return "\n".join(" ".join(_TOKEN.findall(line)) for line in text.split("\n"))


def _new_correction(old: list[str], new: list[str]) -> str:
    seen = {fold(line) for line in old}
    for line in new:
        if fold(line) not in seen and CORRECTION.search(line):
            return line
    return ""


def _body_fixes(old: _Text, new: _Text) -> tuple[list[str], _Opcode | None]:
    """Typo fixes and the first larger change: paragraphs diffed first, then words within."""
    typos: list[str] = []
    blocks = SequenceMatcher(None, old.lines, new.lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in blocks:
        if tag == "equal":
            continue
        a, b = old.starts[i1], new.starts[j1]
        fixed, change = _typo_fixes(old.tokens[a : old.starts[i2]], new.tokens[b : new.starts[j2]])
        typos += fixed
        if change is not None:
            kind, i, i_end, j, j_end = change
            return typos, (kind, i + a, i_end + a, j + b, j_end + b)
    return typos, None


def _typo_fixes(old: list[str], new: list[str]) -> tuple[list[str], _Opcode | None]:
    """The typo fixes between two token lists, and the first change that is more than one."""
    if old == new:
        return [], None
    # Edits are local: diff only what lies between the common head and tail (10x faster).
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    typos: list[str] = []
    matcher = SequenceMatcher(None, old[head : len(old) - tail], new[head : len(new) - tail], False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            continue
        fixed = _typo_words(old[i1:i2], new[j1:j2], old[max(0, i1 - 1) : i1])
        if fixed is None:
            return typos, (tag, i1, i2, j1, j2)
        typos += fixed
    return typos, None


def _typo_words(old: list[str], new: list[str], before: list[str]) -> list[str] | None:
    """The typo fixes that turn old words into new ones, or None if it is more than typos."""
    if old == new:
        return []
    if not old or not new:
        # Deleting a doubled word ("the the") is a typo fix; any other word added or cut is not.
        gone = old or new
        return [f"doubled '{gone[0]}'"] if len(gone) == 1 and before == gone else None
    if "".join(old) == "".join(new) and len(old) + len(new) <= 4:
        return [f"'{' '.join(old)}' → '{' '.join(new)}'"]  # "a lot" → "alot", "e mail"
    if len(old) != len(new) or len(old) > 2:
        return None
    fixes = []
    for before_word, after_word in zip(old, new, strict=True):
        if before_word != after_word:
            if not _is_typo(before_word, after_word):
                return None
            fixes.append(f"'{before_word}' → '{after_word}'")
    return fixes


def _is_typo(old: str, new: str) -> bool:
    if any(c.isdigit() for c in old + new) or (old in _FACT_WORDS and new in _FACT_WORDS):
        return False
    # One edit for short words, two from 8 letters: "mother" → "father" is not a typo.
    allowed = 2 if min(len(old), len(new)) >= 8 else 1
    return _edit_distance(old, new, allowed) <= allowed


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Damerau-Levenshtein (adjacent swaps count once), stopping early once over cap."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > cap:
            return cap + 1
        previous2, previous = previous, current
    return previous[-1]


def _material(removed: list[str], added: list[str], passage: str) -> UpdateKind:
    if not removed:
        reason = f"{_count(added)} added"
    elif not added:
        reason = f"{_count(removed)} removed"
    else:
        changed = "figures" if any(c.isdigit() for c in "".join(removed + added)) else "wording"
        reason = f"{changed} changed: '{' '.join(removed[:8])}' → '{' '.join(added[:8])}'"
    return UpdateKind("material", reason, passage[:PASSAGE_CHARS])


def _count(words: list[str]) -> str:
    return "1 word" if len(words) == 1 else f"{len(words)} words"


def _passage(
    old: _Text, new: _Text, tag: str, old_span: tuple[int, int], new_span: tuple[int, int]
) -> str:
    side, (start, end) = (old, old_span) if tag == "delete" else (new, new_span)
    if not side.tokens:
        return ""
    first = bisect_right(side.starts, min(start, len(side.tokens) - 1)) - 1
    last = bisect_right(side.starts, max(start, end - 1)) - 1
    return "\n".join(side.paragraphs[first : last + 1])
