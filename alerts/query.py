"""Parse watchlist queries: words, "phrases", prefix*, AND/OR/NOT, NEAR/n, "phrase"~n, field
scopes, @aliases and lang:, within limits; matching lives in alerts.matcher."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from alerts.matcher import Match, match
from alerts.query_lex import (
    MAX_DEPTH,
    MAX_NEAR,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryError,
    alias_term,
    caret,
    lex,
)
from alerts.query_parse import Parser
from alerts.terms import And, Lang, Near, Node, Not, Term

if TYPE_CHECKING:
    from alerts.matcher import Watchlists

__all__ = [
    "MAX_DEPTH", "MAX_NEAR", "MAX_QUERY_CHARS", "MAX_TERMS", "Match", "Query", "QueryError",
    "Term", "alias_term", "caret", "match", "parse_query",
]  # fmt: skip


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
    tokens = lex(text)
    if not tokens:
        raise QueryError("empty query")
    root = Parser(tokens, aliases).parse()
    # True with none of its terms present: it would match nearly anything.
    if _holds_without_terms(root, False):
        raise QueryError("query is only negative: it would match articles with none of its terms")
    if _holds_without_terms(root, True):
        raise QueryError("query needs a term: lang: alone would match every article in it")
    polarity: dict[Term, bool] = {}
    _collect(root, False, polarity)
    positive = tuple(term for term, is_positive in polarity.items() if is_positive)
    return Query(text, root, tuple(polarity), positive)
