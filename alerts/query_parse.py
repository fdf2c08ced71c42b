"""Parse a watchlist query's tokens into its tree, within the nesting and term limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from alerts.query_lex import (
    LANG_CODE,
    MAX_DEPTH,
    MAX_TERMS,
    QueryError,
    Token,
    alias_term,
)
from alerts.terms import And, Lang, Near, Node, Not, Or, Term


class Parser:
    """Recursive descent over the tokens; precedence NOT > AND (explicit or implied) > OR, and
    NEAR/n binds tightest. Depth and term count are bounded, so recursion is too."""

    def __init__(self, tokens: list[Token], aliases: Mapping[str, Sequence[str]]) -> None:
        self.tokens, self.i, self.aliases = tokens, 0, aliases
        self.depth = self.terms = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Node:
        node = self.or_(None)
        if (extra := self.peek()) is not None:  # only a stray ")" can stop the top level early
            raise QueryError(f"unbalanced parenthesis at position {extra.pos}", extra.pos)
        return node

    def or_(self, after: Token | None) -> Node:
        parts = [self.and_(after)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            parts.append(self.and_(self.take()))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self, after: Token | None) -> Node:
        parts = [self.unary(after)]
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            parts.append(self.unary(self.take() if tok.kind == "AND" else None))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, after: Token | None) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind in ("NOT", "-"):
            with self.nested(self.take()):
                return Not(self.unary(tok))
        return self.near(after)

    def near(self, after: Token | None) -> Node:
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

    def primary(self, after: Token | None) -> Node:
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

    def alias(self, tok: Token) -> Node:
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

    def scope(self, tok: Token) -> Node:
        if tok.value == "lang":
            code = self.peek()
            if code is None or code.term is None or not LANG_CODE.match(code.value):
                raise QueryError(f"lang: needs a language code like en or pt-BR at position "
                                 f"{tok.pos}", tok.pos)  # fmt: skip
            self.take()
            return Lang(code.value.lower().replace("_", "-"))
        with self.nested(tok):
            return _scoped(self.primary(tok), tok)

    def count(self, node: Term, tok: Token, n: int) -> Term:
        self.terms += n
        if self.terms > MAX_TERMS:
            raise QueryError(f"more than {MAX_TERMS} terms at position {tok.pos}", tok.pos)
        return node

    def nested(self, tok: Token) -> _Depth:
        return _Depth(self, tok)


class _Depth:
    """Counts one level of nesting while inside it; refuses the level past MAX_DEPTH."""

    def __init__(self, parser: Parser, tok: Token) -> None:
        self.parser, self.tok = parser, tok

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            pos = self.tok.pos
            raise QueryError(f"nested more than {MAX_DEPTH} levels deep at position {pos}", pos)

    def __exit__(self, *_: object) -> None:
        self.parser.depth -= 1


def _nearable(node: Node) -> bool:
    if isinstance(node, Term):
        return node.field in (None, "title", "text") and node.slop is None
    return isinstance(node, Or) and all(_nearable(operand) for operand in node.operands)


def _scoped(node: Node, tok: Token) -> Node:
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


def _missing_operand(after: Token | None, found: Token | None) -> QueryError:
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
