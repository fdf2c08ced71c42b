"""What an article must contain for a query to have a chance (pure): a condition over the
words of the article's normal form, for a full-text index to narrow a backtest with.

The condition is a superset: every article the query matches satisfies it, so the exact
matcher run on the articles that do decides alone. NOT and lang: never narrow; a term too
as short as a one-letter prefix narrows nothing either."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from alerts.terms import And, Lang, Near, Node, Not, Term

if TYPE_CHECKING:
    from alerts.query import Query

MIN_CHARS = 3  # a key shorter (a one-letter prefix) would hold for most articles anyway


@dataclass(frozen=True)
class AllOf:
    """True when every part holds."""

    parts: tuple[Need, ...]


@dataclass(frozen=True)
class AnyOf:
    """True when at least one part holds."""

    parts: tuple[Need, ...]


# A key: a substring of the article's `normal` form (title, text, byline, outlet), " word
# word " or, for a prefix, " word wor"; or a combination of keys.
Need = str | AllOf | AnyOf


def required(query: Query) -> Need | None:
    """What an article matching `query` surely contains; None when nothing can be said (every
    article is then a candidate)."""
    return _need(query.root)


def _need(node: Node) -> Need | None:
    if isinstance(node, Term):
        return _term_need(node)
    if isinstance(node, Not | Lang):
        return None  # true for articles without any of its words
    if isinstance(node, Near):
        return _all([_need(node.left), _need(node.right)])
    if isinstance(node, And):
        return _all([_need(operand) for operand in node.operands])
    parts = [_need(operand) for operand in node.operands]
    if any(part is None for part in parts):
        return None  # one branch can hold with no word: the OR can too
    return _any(parts)  # type: ignore[arg-type]


def _term_need(term: Term) -> Need | None:
    # The key the automaton looks for is a substring of the normal form wherever it hits; a
    # sloppy phrase only has each of its words somewhere.
    keys = [term.key] if term.slop is None else [f" {word} " for word in term.words]
    return _all([key if len(key) >= MIN_CHARS else None for key in keys])


def _all(parts: list[Need | None]) -> Need | None:
    known = list(dict.fromkeys(part for part in parts if part is not None))
    if not known:
        return None
    return known[0] if len(known) == 1 else AllOf(tuple(known))


def _any(parts: list[Need]) -> Need:
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else AnyOf(tuple(unique))


def holds(need: Need, words: frozenset[str]) -> bool:
    """Whether an article whose normal form has these words can satisfy `need`: every word of
    a key among them, the last as a prefix when the key is one (what the indexes compute; a
    key that is a substring of the normal form always holds)."""
    if isinstance(need, str):
        *whole, last = need.split()
        if not need.endswith(" "):
            return all(w in words for w in whole) and any(w.startswith(last) for w in words)
        return all(w in words for w in (*whole, last))
    results = (holds(part, words) for part in need.parts)
    return all(results) if isinstance(need, AllOf) else any(results)
