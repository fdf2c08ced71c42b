"""Parse watchlist queries: words, "phrases", prefix*, AND/OR/NOT, NEAR/n, "phrase"~n, field
scopes, @aliases and lang:, within limits; matching lives in alerts.matcher."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from alerts.matcher import Match, match
from alerts.terms import FIELDS, And, Lang, Near, Node, Not, Or, Term, words

if TYPE_CHECKING:
    from alerts.matcher import Watchlists

__all__ = ["Match", "Query", "QueryError", "Term", "match", "parse_query"]

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
_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


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


@dataclass(frozen=True)
class Query:
    """A parsed watchlist query; `source` is the text it was parsed from."""

    source: str
    root: Node
    terms: tuple[Term, ...]  # every distinct term, in query order
    positive: tuple[Term, ...]  # the distinct terms that count for a match (not negated)

    @cached_property
    def matcher(self) -> Watchlists:
        """This query alone, compiled for matching (built on first use)."""
        from alerts.matcher import Watchlists

        return Watchlists({"": self})


class _Token(NamedTuple):
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


def _phrase(text: str, i: int) -> tuple[_Token, int]:
    """The quoted phrase opening at text[i] (straight or curly quotes) and where it ends."""
    pos = i + 1
    end = next((j for j in range(i + 1, len(text)) if text[j] in _QUOTES), -1)
    if end < 0:
        raise QueryError(f"unterminated quote at position {pos}", pos)
    term = _term(text[i + 1 : end], pos, bare=False)
    if slop := _SLOP.match(text, end + 1):
        distance = _distance(slop[1], end + 2)
        return _Token("TERM", pos, replace(term, slop=distance)), slop.end()
    return _Token("TERM", pos, term), end + 1


def _distance(digits: str, pos: int) -> int:
    if int(digits) > MAX_NEAR:
        raise QueryError(f"distance {digits} is over {MAX_NEAR} at position {pos}", pos)
    return int(digits)


def _bare(text: str, i: int) -> tuple[_Token, int]:
    """The unquoted token at text[i]: an operator, NEAR/n, a field scope, @alias or a word."""
    pos = i + 1
    if scope := _FIELD.match(text, i):
        if scope.end() == len(text) or text[scope.end()].isspace():
            raise QueryError(f"{scope[0]} with nothing after it at position {pos}", pos)
        return _Token("FIELD", pos, value=scope[1]), scope.end()
    raw = _BARE.match(text, i)[0]  # type: ignore[index]  # text[i] is not a stop char
    if raw in _OPERATORS:
        return _Token(raw, pos), i + len(raw)
    if near := _NEAR.match(raw):
        return _Token("NEAR", pos, value=str(_distance(near[1], pos))), i + len(raw)
    if alias := _ALIAS.match(raw):
        return _Token("ALIAS", pos, value=alias[1]), i + len(raw)
    return _Token("TERM", pos, _term(raw, pos, bare=True), raw), i + len(raw)


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char, pos = text[i], i + 1
        if char.isspace():
            i += 1
        elif char == "-" and (i + 1 == len(text) or text[i + 1].isspace()):
            raise QueryError(f"'-' with nothing after it at position {pos}", pos)
        elif char in "()-":  # a "-" here starts a token, so it negates; "al-Assad" stays a word
            tokens.append(_Token(char, pos))
            i += 1
        elif char in _QUOTES:
            token, i = _phrase(text, i)
            tokens.append(token)
        else:
            token, i = _bare(text, i)
            tokens.append(token)
    return tokens


class _Parser:
    """Recursive descent over the tokens; precedence NOT > AND (explicit or implied) > OR, and
    NEAR/n binds tightest. Depth and term count are bounded, so recursion is too."""

    def __init__(self, tokens: list[_Token], aliases: Mapping[str, Sequence[str]]) -> None:
        self.tokens, self.i, self.aliases = tokens, 0, aliases
        self.depth = self.terms = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Node:
        node = self.or_(None)
        if (extra := self.peek()) is not None:  # only a stray ")" can stop the top level early
            raise QueryError(f"unbalanced parenthesis at position {extra.pos}", extra.pos)
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
            with self.nested(self.take()):
                return Not(self.unary(tok))
        return self.near(after)

    def near(self, after: _Token | None) -> Node:
        left = self.primary(after)
        if (tok := self.peek()) is None or tok.kind != "NEAR":
            return left
        self.take()
        right = self.primary(tok)
        if (again := self.peek()) is not None and again.kind == "NEAR":
            raise QueryError(
                f"NEAR joins two terms; use AND between NEAR pairs at position {again.pos}",
                again.pos,
            )
        for side in (left, right):
            if not _nearable(side):
                raise QueryError(
                    f"NEAR/{tok.value} needs a word, phrase, @alias or (… OR …) of them on "
                    f"each side, in the title or text, at position {tok.pos}",
                    tok.pos,
                )
        return Near(left, right, int(tok.value))

    def primary(self, after: _Token | None) -> Node:
        tok = self.peek()
        if tok is None or tok.kind in (")", "AND", "OR", "NEAR"):
            raise _missing_operand(after, tok)
        self.take()
        if tok.term is not None:
            return self.count(tok.term, tok, 1)
        if tok.kind == "ALIAS":
            return self.alias(tok)
        if tok.kind == "FIELD":
            return self.scope(tok)
        with self.nested(tok):
            node = self.or_(tok)  # tok is "(": its contents
        if (close := self.peek()) is None or close.kind != ")":
            raise QueryError(f"unbalanced parenthesis at position {tok.pos}", tok.pos)
        self.take()
        return node

    def alias(self, tok: _Token) -> Node:
        entries = self.aliases.get(tok.value)
        if entries is None:
            known = ", ".join(f"@{name}" for name in sorted(self.aliases)) or "none"
            raise QueryError(
                f"unknown alias @{tok.value} at position {tok.pos} (defined in [aliases]: {known})",
                tok.pos,
            )
        terms = tuple(dict.fromkeys(alias_term(entry) for entry in entries))
        if not terms:
            raise QueryError(f"alias @{tok.value} is empty at position {tok.pos}", tok.pos)
        self.count(terms[0], tok, len(terms))
        return terms[0] if len(terms) == 1 else Or(terms)

    def scope(self, tok: _Token) -> Node:
        if tok.value == "lang":
            code = self.peek()
            if code is None or code.term is None or not _LANG_CODE.match(code.value):
                raise QueryError(f"lang: needs a language code like en or pt-BR at position "
                                 f"{tok.pos}", tok.pos)  # fmt: skip
            self.take()
            return Lang(code.value.lower().replace("_", "-"))
        with self.nested(tok):
            return _scoped(self.primary(tok), tok)

    def count(self, node: Term, tok: _Token, n: int) -> Term:
        self.terms += n
        if self.terms > MAX_TERMS:
            raise QueryError(f"more than {MAX_TERMS} terms at position {tok.pos}", tok.pos)
        return node

    def nested(self, tok: _Token) -> _Depth:
        return _Depth(self, tok)


class _Depth:
    """Counts one level of nesting while inside it; refuses the level past MAX_DEPTH."""

    def __init__(self, parser: _Parser, tok: _Token) -> None:
        self.parser, self.tok = parser, tok

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            pos = self.tok.pos
            raise QueryError(f"nested more than {MAX_DEPTH} levels deep at position {pos}", pos)

    def __exit__(self, *_: object) -> None:
        self.parser.depth -= 1


def alias_term(entry: str) -> Term:
    """One entry of an [aliases] set: a word or phrase, a trailing * making it a prefix."""
    bare = entry.strip()
    try:
        return _term(bare, 1, bare=" " not in bare)
    except QueryError as exc:
        raise QueryError(f"alias entry {entry!r}: {exc}") from None


def _nearable(node: Node) -> bool:
    if isinstance(node, Term):
        return node.field in (None, "title", "text") and node.slop is None
    return isinstance(node, Or) and all(_nearable(operand) for operand in node.operands)


def _scoped(node: Node, tok: _Token) -> Node:
    """`node` with every term looked up in the field `tok` names; conflicting scopes are errors."""
    field = tok.value
    if isinstance(node, Term):
        if node.field not in (None, field):
            raise QueryError(f"{field}: around {node.field}: at position {tok.pos}", tok.pos)
        return replace(node, field=field)
    if isinstance(node, Lang):
        raise QueryError(f"{field}: cannot scope lang: at position {tok.pos}", tok.pos)
    if isinstance(node, Not):
        return Not(_scoped(node.operand, tok))
    if isinstance(node, Near):
        if field not in ("title", "text"):
            raise QueryError(f"NEAR works in the title or text, not {field}: at position "
                             f"{tok.pos}", tok.pos)  # fmt: skip
        return Near(_scoped(node.left, tok), _scoped(node.right, tok), node.distance)
    return type(node)(tuple(_scoped(operand, tok) for operand in node.operands))


def _missing_operand(after: _Token | None, found: _Token | None) -> QueryError:
    """Explain an operand missing after `after` (an operator, "(" or None), where `found` stands."""
    if found is not None and found.kind in ("AND", "OR", "NEAR") and (
        after is None or after.kind == "("
    ):
        name = "NEAR" if found.kind == "NEAR" else found.kind
        return QueryError(f"{name} with nothing before it at position {found.pos}", found.pos)
    if after is None or after.kind == "(":
        if after is not None and found is not None:  # found is ")"
            return QueryError(f"empty parentheses at position {after.pos}", after.pos)
        where = after or found  # a "(" never closed, or a ")" never opened
        pos = where.pos if where else 0
        return QueryError(f"unbalanced parenthesis at position {pos}", pos)
    name = {"-": "'-'", "NEAR": f"NEAR/{after.value}", "FIELD": f"{after.value}:"}.get(
        after.kind, after.kind
    )
    return QueryError(f"{name} with nothing after it at position {after.pos}", after.pos)


def _collect(node: Node, negated: bool, out: dict[Term, bool]) -> None:
    """Map each distinct term, in query order, to whether it is positive (not negated) anywhere."""
    if isinstance(node, Term):
        out[node] = out.get(node, False) or not negated
    elif isinstance(node, Not):
        _collect(node.operand, not negated, out)
    elif isinstance(node, Near):
        _collect(node.left, negated, out)
        _collect(node.right, negated, out)
    elif not isinstance(node, Lang):
        for operand in node.operands:
            _collect(operand, negated, out)


def _holds_without_terms(node: Node, language: bool) -> bool:
    """Whether `node` holds for an article with none of its terms, every lang: being `language`."""
    if isinstance(node, Term | Near):
        return False
    if isinstance(node, Lang):
        return language
    if isinstance(node, Not):
        return not _holds_without_terms(node.operand, language)
    results = (_holds_without_terms(operand, language) for operand in node.operands)
    return all(results) if isinstance(node, And) else any(results)


def parse_query(text: str, aliases: Mapping[str, Sequence[str]] | None = None) -> Query:
    """Parse a watchlist query, @names taken from `aliases`; raise QueryError saying what is
    wrong and where (its `caret()` shows the spot)."""
    try:
        return _parse(text, aliases or {})
    except QueryError as exc:
        raise QueryError(str(exc), exc.pos, text) from None


def _parse(text: str, aliases: Mapping[str, Sequence[str]]) -> Query:
    if len(text) > MAX_QUERY_CHARS:
        pos = MAX_QUERY_CHARS + 1
        raise QueryError(f"query longer than {MAX_QUERY_CHARS} characters at position {pos}", pos)
    tokens = _lex(text)
    if not tokens:
        raise QueryError("empty query")
    root = _Parser(tokens, aliases).parse()
    # True with none of its terms present: it would match nearly anything.
    if _holds_without_terms(root, False):
        raise QueryError("query is only negative: it would match articles with none of its terms")
    if _holds_without_terms(root, True):
        raise QueryError("query needs a term: lang: alone would match every article in it")
    polarity: dict[Term, bool] = {}
    _collect(root, False, polarity)
    positive = tuple(term for term, is_positive in polarity.items() if is_positive)
    return Query(text, root, tuple(polarity), positive)
