"""The watchlist query tree (terms, NEAR, fields, languages) and the one normal form of words
that queries and articles are both reduced to before matching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spiders.text import fold

# Scripts written without spaces between words: each character is a word of its own, so a
# term made of them matches inside a run of characters (北京 in 今天北京下雨).
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_NON_WORD = re.compile(r"\W+")
# On top of spiders.text.fold, for matching only: a Turkish dotless ı is typed as i, and
# the Arabic tatweel only stretches a word (fold is stored in fingerprints: left alone).
_MATCH_ONLY = str.maketrans({"ı": "i", "\u0640": None})

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
    if text.isascii():
        return " " + _NON_WORD.sub(" ", text.lower()).strip() + " "
    folded = fold(text).translate(_MATCH_ONLY)
    if _CJK.search(folded):
        folded = _CJK.sub(r" \g<0> ", folded)
    return " " + _NON_WORD.sub(" ", folded).strip() + " "


def words(text: str) -> tuple[str, ...]:
    """The normalized words of `text`."""
    return tuple(normal(text).split())


@cache
def _word_pattern() -> re.Pattern[str]:
    # A CJK character alone, or a run of other word characters (combining marks included, so
    # a decomposed "e\u0301" stays in its word): the original-text twin of `normal`'s words.
    marks = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    return re.compile(rf"{_CJK.pattern}|(?:(?!{_CJK.pattern})[\w{marks}])+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` stands in it, one span per normalized word, in order."""
    return [m.span() for m in _word_pattern().finditer(text)]
