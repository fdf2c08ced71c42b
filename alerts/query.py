"""Parse watchlist queries and match them, whole-word, against an article's clean title and text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from spiders.text import fold

# \w alone would split a decomposed "e\u0301" in two; combining marks stay inside a word.
_WORD = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_WORD = re.compile(r"\W+")
_BARE = re.compile(r'[^\s()"]+')
_TRAILING_WORD = re.compile(r"\s+\S*$")
_SPACE = re.compile(r"\s")
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_SNIPPET_CHARS = 240
_SNIPPET_LEAD = 80  # context kept before the matched word


class QueryError(ValueError):
    """A watchlist query that cannot be parsed; the message says what is wrong and where."""


@dataclass(frozen=True)
class Term:
    """A word, "phrase" or prefix*: normalized words that must occur consecutively."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word only has to start with words[-1]
    text: str = field(default="", compare=False)  # as written, for reporting


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


Node = Term | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed watchlist query; `source` is the text it was parsed from."""

    source: str
    root: Node
    terms: tuple[Term, ...]  # every distinct term, in query order
    positive: tuple[Term, ...]  # the distinct terms that count for a match (not negated)


@dataclass(frozen=True)
class Match:
    """Why an article matched: the positive query terms found and an excerpt around the first."""

    terms: tuple[str, ...]
    snippet: str


class _Token(NamedTuple):
    kind: str  # "(", ")", "AND", "OR", "NOT", "-" or "TERM"
    pos: int  # 1-based, as reported in errors
    term: Term | None = None


def _fold(word: str) -> str:
    """Case- and accent-fold one word: casefold, NFKD, drop combining marks."""
    if word.isascii():
        return word.lower()
    return _NON_WORD.sub("", fold(word))


def _words(text: str) -> list[str]:
    """The folded words of `text`, one per `_WORD` match so indexes map back to the source."""
    if text.isascii():
        return _WORD.findall(text.lower())
    folded: dict[str, str] = {}  # news text repeats words; fold each distinct one once
    return [folded.get(w) or folded.setdefault(w, _fold(w)) for w in _WORD.findall(text)]


def _term(raw: str, pos: int, *, bare: bool) -> Term:
    prefix = bare and raw.endswith("*")
    core = raw[:-1] if prefix else raw
    if bare and "*" in core:
        raise QueryError(f"'*' is only allowed at the end of a word at position {pos}")
    words = tuple(w for w in _words(core) if w)
    if not words:
        what = "empty phrase" if not bare else f"no letters or digits in {raw!r}"
        raise QueryError(f"{what} at position {pos}")
    return Term(words, prefix, raw.strip())


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char, pos = text[i], i + 1
        if char.isspace():
            i += 1
        elif char == "-" and (i + 1 == len(text) or text[i + 1].isspace()):
            raise QueryError(f"'-' with nothing after it at position {pos}")
        elif char in "()-":  # a "-" here starts a token, so it negates; "al-Assad" stays a word
            tokens.append(_Token(char, pos))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(f"unterminated quote at position {pos}")
            tokens.append(_Token("TERM", pos, _term(text[i + 1 : end], pos, bare=False)))
            i = end + 1
        else:
            raw = _BARE.match(text, i)[0]  # type: ignore[index]  # char is not a stop char
            kind = raw if raw in _OPERATORS else "TERM"
            term = None if kind != "TERM" else _term(raw, pos, bare=True)
            tokens.append(_Token(kind, pos, term))
            i += len(raw)
    return tokens


class _Parser:
    """Recursive descent over the tokens; precedence NOT > AND (explicit or implied) > OR."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Node:
        node = self.or_(None)
        if (extra := self.peek()) is not None:  # only a stray ")" can stop the top level early
            raise QueryError(f"unbalanced parenthesis at position {extra.pos}")
        return node

    def or_(self, after: _Token | None) -> Node:
        parts = [self.and_(after)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            parts.append(self.and_(self.take()))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self, after: _Token | None) -> Node:
        parts = [self.unary(after)]
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            parts.append(self.unary(self.take() if tok.kind == "AND" else None))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, after: _Token | None) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind in ("NOT", "-"):
            return Not(self.unary(self.take()))
        return self.primary(after)

    def primary(self, after: _Token | None) -> Node:
        tok = self.peek()
        if tok is None or tok.kind in (")", "AND", "OR"):
            raise QueryError(_missing_operand(after, tok))
        self.take()
        if tok.term is not None:
            return tok.term
        node = self.or_(tok)  # tok is "(": its contents
        if (close := self.peek()) is None or close.kind != ")":
            raise QueryError(f"unbalanced parenthesis at position {tok.pos}")
        self.take()
        return node


def _missing_operand(after: _Token | None, found: _Token | None) -> str:
    """Explain an operand missing after `after` (an operator, "(" or None), where `found` stands."""
    if found is not None and found.kind in ("AND", "OR") and (after is None or after.kind == "("):
        return f"{found.kind} with nothing before it at position {found.pos}"
    if after is None or after.kind == "(":
        if after is not None and found is not None:  # found is ")"
            return f"empty parentheses at position {after.pos}"
        where = after or found  # a "(" never closed, or a ")" never opened
        return f"unbalanced parenthesis at position {where.pos if where else 0}"
    name = "'-'" if after.kind == "-" else after.kind
    return f"{name} with nothing after it at position {after.pos}"


def _collect(node: Node, negated: bool, out: dict[Term, bool]) -> None:
    """Map each distinct term, in query order, to whether it is positive (not negated) anywhere."""
    if isinstance(node, Term):
        out[node] = out.get(node, False) or not negated
    elif isinstance(node, Not):
        _collect(node.operand, not negated, out)
    else:
        for operand in node.operands:
            _collect(operand, negated, out)


def _holds(node: Node, found: set[Term] | frozenset[Term]) -> bool:
    if isinstance(node, Term):
        return node in found
    if isinstance(node, Not):
        return not _holds(node.operand, found)
    if isinstance(node, And):
        return all(_holds(operand, found) for operand in node.operands)
    return any(_holds(operand, found) for operand in node.operands)


def parse_query(text: str) -> Query:
    """Parse a watchlist query; raise QueryError saying what is wrong and where."""
    tokens = _lex(text)
    if not tokens:
        raise QueryError("empty query")
    root = _Parser(tokens).parse()
    if _holds(root, frozenset()):  # true with none of its terms present: matches nearly anything
        raise QueryError("query is only negative: it would match articles with none of its terms")
    polarity: dict[Term, bool] = {}
    _collect(root, False, polarity)
    positive = tuple(term for term, is_positive in polarity.items() if is_positive)
    return Query(text, root, tuple(polarity), positive)


def _find(term: Term, words: list[str], index: dict[str, list[int]]) -> list[int]:
    """Sorted positions in `words` where `term` starts."""
    *head, last = term.words
    if not head:
        if not term.prefix:
            return index.get(last, [])
        return sorted(p for word, ps in index.items() if word.startswith(last) for p in ps)
    n = len(term.words)
    return [
        p
        for p in index.get(head[0], [])
        if p + n <= len(words)
        and words[p : p + n - 1] == head
        and (words[p + n - 1].startswith(last) if term.prefix else words[p + n - 1] == last)
    ]


def _snippet(text: str, start: int, end: int) -> str:
    """About _SNIPPET_CHARS of `text` around text[start:end], cut between words, "…" where cut."""
    lo = max(0, start - _SNIPPET_LEAD)
    hi = min(len(text), lo + _SNIPPET_CHARS)
    if lo > 0 and not text[lo - 1].isspace():
        space = _SPACE.search(text, lo, start)
        lo = space.end() if space else start
    window = text[lo:hi]
    if hi < len(text) and not text[hi].isspace():
        cut = _TRAILING_WORD.search(window)
        if cut and cut.start() >= end - lo:
            window = window[: cut.start()]
    body = " ".join(window.split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def match(query: Query, title: str, text: str) -> Match | None:
    """Match `query` against title+text; None if it does not match, else the terms and a snippet."""
    title_words = _words(title)
    # "" keeps a phrase from running from the end of the title into the start of the text
    words = [*title_words, "", *_words(text)]
    index: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        index.setdefault(word, []).append(position)
    hits = {term: _find(term, words, index) for term in query.terms}
    if not _holds(query.root, {term for term, ps in hits.items() if ps}):
        return None
    matched = [term for term in query.positive if hits[term]]
    body = len(title_words) + 1
    in_text = [ps[i] for t in matched if (i := bisect_left(ps := hits[t], body)) < len(ps)]
    if not in_text:  # only the title matched: show how the text begins
        return Match(tuple(t.text for t in matched), _snippet(text, 0, 0))
    found = next(islice(_WORD.finditer(text), min(in_text) - body, None))
    return Match(tuple(t.text for t in matched), _snippet(text, found.start(), found.end()))
