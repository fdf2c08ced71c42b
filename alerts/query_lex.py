"""Read a watchlist query into tokens: words, "phrases" (straight or curly quotes, ~n), NEAR/n,
field scopes, @aliases and operators; the limits and the errors that point at the fault."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import NamedTuple

from alerts.terms import FIELDS, Term, words

MAX_QUERY_CHARS = 10_000
MAX_TERMS = 2_000  # after @aliases are expanded
MAX_DEPTH = 20  # parentheses, NOTs and field scopes inside one another
MAX_NEAR = 100  # words between the two sides of NEAR/n or inside "phrase"~n

_BARE = re.compile(r'[^\s()"“”„«»]+')
_QUOTES = '"“”„«»'
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_NEAR = re.compile(r"NEAR/(\d+)$")
_SLOP = re.compile(r"~(\d+)")
_FIELD = re.compile(rf"({'|'.join((*FIELDS, 'lang'))}):")
_ALIAS = re.compile(r"@([\w-]+)$")
LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class QueryError(ValueError):
    """A watchlist query that cannot be parsed; the message says what is wrong and where."""

    def __init__(self, message: str, pos: int = 0, source: str = "") -> None:
        super().__init__(message)
        self.pos, self.source = pos, source  # pos is 1-based, 0 when it is the whole query

    def caret(self) -> str:
        """The query line at fault and a caret under the position (empty when there is none)."""
        return caret(self.source, self.pos) if self.source and self.pos else ""


def caret(source: str, pos: int, width: int = 72) -> str:
    """Two lines: the line of `source` holding 1-based `pos`, cut to `width`, and a "^" under it."""
    start = source.rfind("\n", 0, pos - 1) + 1
    end = source.find("\n", pos - 1)
    line = source[start : end if end >= 0 else len(source)].replace("\t", " ")
    column = pos - 1 - start
    lo = 0 if len(line) <= width else max(0, min(column - width // 2, len(line) - width))
    shown = ("…" if lo else "") + line[lo : lo + width] + ("…" if lo + width < len(line) else "")
    # Wide (CJK) characters take two columns in a terminal: pad the caret alike.
    lead = ("…" if lo else "") + line[lo:column]
    pad = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in lead)
    return f"{shown}\n{' ' * pad}^"


class Token(NamedTuple):
    """One token of a query and where it starts."""

    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "NEAR", "FIELD", "ALIAS" or "TERM"
    pos: int  # 1-based, as reported in errors
    term: Term | None = None
    value: str = ""  # NEAR: the distance; FIELD: the field; ALIAS: the name; TERM: as written


def _term(raw: str, pos: int, *, bare: bool) -> Term:
    prefix = bare and raw.endswith("*")
    core = raw[:-1] if prefix else raw
    if bare and "*" in core:
        raise QueryError(f"'*' is only allowed at the end of a word at position {pos}", pos)
    found = words(core)
    if not found:
        what = "empty phrase" if not bare else f"no letters or digits in {raw!r}"
        raise QueryError(f"{what} at position {pos}", pos)
    return Term(found, prefix, raw.strip())


def _phrase(text: str, i: int) -> tuple[Token, int]:
    """The quoted phrase opening at text[i] (straight or curly quotes) and where it ends."""
    pos = i + 1
    end = next((j for j in range(i + 1, len(text)) if text[j] in _QUOTES), -1)
    if end < 0:
        raise QueryError(f"unterminated quote at position {pos}", pos)
    term = _term(text[i + 1 : end], pos, bare=False)
    if slop := _SLOP.match(text, end + 1):
        distance = _distance(slop[1], end + 2)
        return Token("TERM", pos, replace(term, slop=distance)), slop.end()
    return Token("TERM", pos, term), end + 1


def _distance(digits: str, pos: int) -> int:
    if int(digits) > MAX_NEAR:
        raise QueryError(f"distance {digits} is over {MAX_NEAR} at position {pos}", pos)
    return int(digits)


def _bare(text: str, i: int) -> tuple[Token, int]:
    """The unquoted token at text[i]: an operator, NEAR/n, a field scope, @alias or a word."""
    pos = i + 1
    if scope := _FIELD.match(text, i):
        if scope.end() == len(text) or text[scope.end()].isspace():
            raise QueryError(f"{scope[0]} with nothing after it at position {pos}", pos)
        return Token("FIELD", pos, value=scope[1]), scope.end()
    raw = _BARE.match(text, i)[0]  # type: ignore[index]  # text[i] is not a stop char
    if raw in _OPERATORS:
        return Token(raw, pos), i + len(raw)
    if near := _NEAR.match(raw):
        return Token("NEAR", pos, value=str(_distance(near[1], pos))), i + len(raw)
    if alias := _ALIAS.match(raw):
        return Token("ALIAS", pos, value=alias[1]), i + len(raw)
    return Token("TERM", pos, _term(raw, pos, bare=True), raw), i + len(raw)


def lex(text: str) -> list[Token]:
    """The tokens of a query; raise QueryError at the first that cannot be read."""
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char, pos = text[i], i + 1
        if char.isspace():
            i += 1
        elif char == "-" and (i + 1 == len(text) or text[i + 1].isspace()):
            raise QueryError(f"'-' with nothing after it at position {pos}", pos)
        elif char in "()-":  # a "-" here starts a token, so it negates; "al-Assad" stays a word
            tokens.append(Token(char, pos))
            i += 1
        elif char in _QUOTES:
            token, i = _phrase(text, i)
            tokens.append(token)
        else:
            token, i = _bare(text, i)
            tokens.append(token)
    return tokens


def alias_term(entry: str) -> Term:
    """One entry of an [aliases] set: a word or phrase, a trailing * making it a prefix."""
    bare = entry.strip()
    try:
        return _term(bare, 1, bare=" " not in bare)
    except QueryError as exc:
        raise QueryError(f"alias entry {entry!r}: {exc}") from None
