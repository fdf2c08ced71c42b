"""The watchlist query tree (terms, NEAR, fields, languages) and the one normal form of words
that queries and articles are both reduced to before matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice

from spiders.text import fold

# Scripts written without spaces between words: each character is a word of its own, so a
# term made of them matches inside a run of characters (北京 in 今天北京下雨).
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_JAMO = re.compile("[\u1100-\u11ff]")
_NON_WORD = re.compile(r"\W+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_HAS_WORD = re.compile(r"\w")
_TYPOGRAPHY = "“”‘’—–…«»£€•·\u00a0"  # all \W: never part of a word
# ASCII bytes to their normal form in one C pass: letters lower-cased, digits and "_" kept
# (what \w keeps), everything else a space.
_ASCII_NORMAL = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 95 else 32
    for c in range(256)
)
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_SPAN = re.compile(rf"[\w{_MARKS}]+")
_SKIP_STEP = 32
_SKIP_MANY = re.compile(rf"(?:[^\w{_MARKS}]*[\w{_MARKS}]+){{{_SKIP_STEP}}}")

FIELDS = ("title", "text", "author", "outlet")  # `lang:` is a test, not a place to look


@dataclass(frozen=True)
class Term:
    """A word, "phrase" or prefix*: normalized words that must occur consecutively (or, with
    `slop`, in order with at most that many other words between them), in `field` if set."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word only has to start with words[-1]
    text: str = field(default="", compare=False)  # as written, for reporting
    field: str | None = None  # one of FIELDS; None: the title or the text
    slop: int | None = None  # "phrase"~n

    @property
    def key(self) -> str:
        """The term in the spaced normal form: what the automaton looks for."""
        return " " + " ".join(self.words) + ("" if self.prefix else " ")


@dataclass(frozen=True)
class Near:
    """True when a hit of `left` and one of `right` have at most `distance` words between
    them, in either order, in the same field."""

    left: Node
    right: Node
    distance: int


@dataclass(frozen=True)
class Lang:
    """True when the article's language (declared, else detected) is `code` or a variant."""

    code: str


@dataclass(frozen=True)
class Not:
    """True when its operand is false."""

    operand: Node


@dataclass(frozen=True)
class And:
    """True when all operands are true."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """True when any operand is true."""

    operands: tuple[Node, ...]


Node = Term | Near | Lang | Not | And | Or


def normal(text: str) -> str:
    """`text` as " word word … ": folded, CJK characters spaced apart, any run of non-word
    characters one space. A whole-word hit is then a plain substring hit of " word "."""
    if not text.isascii():
        # Typography a space would replace anyway, then spiders.text.fold on what non-ASCII is
        # left, run by run: news in English has a few such runs, and folding whole texts cost
        # more than matching them.
        for mark in _TYPOGRAPHY:
            text = text.replace(mark, " ")
        if not text.isascii():
            text = _NON_ASCII.sub(_fold_run, text)
    if text.isascii():
        return " " + " ".join(text.encode().translate(_ASCII_NORMAL).decode().split()) + " "
    # For matching only, on top of fold: a Turkish dotless ı is typed as i, and the Arabic
    # tatweel only stretches a word (fold itself feeds stored fingerprints: left alone).
    text = text.lower().replace("ı", "i").replace("\u0640", "")
    if _JAMO.search(text):  # NFKD split Hangul syllables into letters: one syllable a word
        text = unicodedata.normalize("NFC", text)
    if _CJK.search(text):
        text = _CJK.sub(r" \g<0> ", text)
    return " " + _NON_WORD.sub(" ", text).strip() + " "


def plain_lower(text: str) -> str | None:
    """`text` lower-cased with its typography spaced out, when that leaves it ASCII (then every
    word of `normal(text)` is a substring of it); None otherwise."""
    if not text.isascii():
        for mark in _TYPOGRAPHY:
            text = text.replace(mark, " ")
        if not text.isascii():
            return None
    return text.lower()


def _fold_run(run: re.Match[str]) -> str:
    return _fold_cached(run.group())


@lru_cache(maxsize=1 << 16)
def _fold_cached(run: str) -> str:
    folded = fold(run)
    # Quotes, dashes and signs become the space they would anyway: the text may then be
    # ASCII, which has the fast path.
    return folded if not folded or _HAS_WORD.search(folded) else " "


def words(text: str) -> tuple[str, ...]:
    """The normalized words of `text`."""
    return tuple(normal(text).split())


@cache
def _skip(words: int) -> re.Pattern[str]:
    """A pattern that steps over `words` words (and what precedes each)."""
    return re.compile(rf"(?:[^\w{_MARKS}]*[\w{_MARKS}]+){{{words}}}")


@cache
def _cjk_word_pattern() -> re.Pattern[str]:
    # A CJK character alone, or a run of other word characters (combining marks included, so
    # a decomposed "e\u0301" stays in its word): the original-text twin of `normal`'s words.
    return re.compile(rf"{_CJK.pattern}|(?:(?!{_CJK.pattern})[\w{_MARKS}])+")


def word_spans(text: str, indexes: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Where the words of `text` at the given indexes (in `normal`'s word order) stand in it."""
    wanted = sorted(set(indexes))
    if not wanted:
        return {}
    if _CJK.search(text):
        found = islice(_cjk_word_pattern().finditer(text), wanted[-1] + 1)
        spans = [m.span() for m in found]
        return {i: spans[i] for i in wanted if i < len(spans)}
    out, pos, at = {}, 0, 0  # `at` is the index of the next word from `pos` on
    for index in wanted:
        while index - at >= _SKIP_STEP and (skip := _SKIP_MANY.match(text, pos)):
            pos, at = skip.end(), at + _SKIP_STEP  # whole runs of words skipped in C
        if index > at and (skip := _skip(index - at).match(text, pos)):
            pos, at = skip.end(), index
        word = _WORD_SPAN.search(text, pos)
        if word is None or index != at:
            break
        out[index] = word.span()
    return out
