"""Rule tests and explanations (pure): which examples a watchlist gets wrong, and for one
article, which clause of a query held and which did not, and where each term was found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alerts.matcher import Article, Hits, Truth, Watchlists, gap
from alerts.query import Query
from alerts.terms import And, Lang, Near, Node, Not, Or, Term

_EXAMPLE_CHARS = 60
_MAX_LINES = 40  # an explanation longer than this says how much it left out


@dataclass(frozen=True)
class RuleFailure:
    """One rule test that does not hold: the example, what was expected, and why not."""

    watchlist: str
    expected: bool  # True: the example must match; False: it must not
    index: int  # 0-based, in its list (must_match or must_not_match)
    example: Article
    why: tuple[str, ...]  # the query's clauses, each marked as holding or not

    def text(self) -> str:
        """The failure as lines for a terminal."""
        wanted = "must_match" if self.expected else "must_not_match"
        did = "did not match" if self.expected else "matched"
        head = f"FAIL {self.watchlist}: {wanted}[{self.index}] {did}: {excerpt(self.example)}"
        return "\n".join([head, *(f"    {line}" for line in self.why)])


def excerpt(article: Article) -> str:
    """A short quote of an example article for messages."""
    shown = " — ".join(part for part in (article.title, article.text) if part)
    shown = " ".join(shown.split())
    return repr(shown if len(shown) <= _EXAMPLE_CHARS else shown[: _EXAMPLE_CHARS - 1] + "…")


def rule_failures(
    name: str, query: Query, must_match: Iterable[Article], must_not_match: Iterable[Article]
) -> list[RuleFailure]:
    """Every example the query gets wrong, each with its explanation."""
    compiled = Watchlists({name: query})
    failures = []
    for expected, examples in ((True, must_match), (False, must_not_match)):
        for index, example in enumerate(examples):
            found = compiled.hits(example)
            if Truth(compiled, found).holds(query.root) != expected:
                why = tuple(explain_hits(compiled, query, found))
                failures.append(RuleFailure(name, expected, index, example, why))
    return failures


def explain(query: Query, article: Article) -> list[str]:
    """The query as a tree, one clause a line, each marked ✓ (holds) or ✗, terms with where
    they were found."""
    compiled = Watchlists({"": query})
    return explain_hits(compiled, query, compiled.hits(article))


def explain_hits(compiled: Watchlists, query: Query, found: Hits) -> list[str]:
    """`explain` over hits already found."""
    truth = Truth(compiled, found)
    lines: list[str] = []
    _walk(query.root, truth, 0, lines)
    if len(lines) > _MAX_LINES:
        lines = [*lines[:_MAX_LINES], f"… {len(lines) - _MAX_LINES} more clauses"]
    return lines


def _walk(node: Node, truth: Truth, depth: int, lines: list[str]) -> None:
    mark = "✓" if truth.holds(node) else "✗"
    indent = "  " * depth
    if isinstance(node, And | Or) and len(lines) <= _MAX_LINES:
        lines.append(f"{indent}{mark} {'all of' if isinstance(node, And) else 'any of'}:")
        for operand in node.operands:
            _walk(operand, truth, depth + 1, lines)
        return
    where = ""
    if isinstance(node, Term) and (places := truth.places(node)):
        where = f"  (in {', '.join(dict.fromkeys(region for region, *_ in places))})"
    elif isinstance(node, Near):
        where = f"  ({_nearest(node, truth)})"
    lines.append(f"{indent}{mark} {clause(node)}{where}")


def _nearest(node: Near, truth: Truth) -> str:
    """How close the two sides of a NEAR came, or which side is missing."""
    left, right = truth.side(node.left), truth.side(node.right)
    if not left or not right:
        missing = [clause(n) for n, s in ((node.left, left), (node.right, right)) if not s]
        return f"not found: {', '.join(missing)}"
    gaps = [gap(p1, n1, p2, n2) for r1, p1, n1 in left for r2, p2, n2 in right if r1 == r2]
    if not gaps:
        return "never in the same field"
    return f"closest: {max(min(gaps), 0)} words between"


def clause(node: Node) -> str:
    """A node written back as query text."""
    if isinstance(node, Term):
        quoted = f'"{node.text}"' if " " in node.text and not node.text.startswith('"') else (
            node.text)  # fmt: skip
        slop = f"~{node.slop}" if node.slop is not None else ""
        return f"{node.field + ':' if node.field else ''}{quoted}{slop}"
    if isinstance(node, Lang):
        return f"lang:{node.code}"
    if isinstance(node, Not):
        return f"NOT {clause(node.operand)}"
    if isinstance(node, Near):
        return f"{clause(node.left)} NEAR/{node.distance} {clause(node.right)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(clause(operand) for operand in node.operands) + ")"
