"""Match every watchlist against an article in one pass: one Aho-Corasick automaton over all
terms finds the hits once, then each hit watchlist's tree is evaluated over them (pure)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from alerts.snippet import snippet
from alerts.terms import And, Lang, Near, Node, Not, Or, Term, normal, plain_lower, word_spans

if TYPE_CHECKING:
    from alerts.query import Query

REGIONS = ("title", "text", "author", "outlet")
_ANYWHERE = ("title", "text")  # where a term without a field scope is looked for
_SNIPPET_WORDS = 80  # more words than a snippet can hold


@dataclass(frozen=True)
class Article:
    """What a watchlist can look at: the clean title and text, bylines, outlet and language."""

    title: str
    text: str
    author: str = ""
    outlet: str = ""
    language: str | None = None  # declared by the page, else detected when cleaned


@dataclass(frozen=True)
class Match:
    """Why an article matched: the positive query terms found, an excerpt around the first in
    the text, where each term was found, and where the matched words stand in the excerpt."""

    terms: tuple[str, ...]
    snippet: str
    fields: tuple[str, ...] = ()  # per term: "title", "text", "title+text", "author", "outlet"
    highlights: tuple[tuple[int, int], ...] = ()  # [start, end) of matched words in snippet


class Hits:
    """Where the automaton found each term's words in one article (regions joined by NUL)."""

    def __init__(
        self, automaton: ahocorasick.Automaton | None, keys: list[str], article: Article
    ) -> None:
        parts = [normal(article.title), normal(article.text), normal(article.author or ""),
                 normal(article.outlet or "")]  # fmt: skip
        self.starts = [0]
        for part in parts[:-1]:
            self.starts.append(self.starts[-1] + len(part) + 1)
        self.hay, self.keys, self.article = "\0".join(parts), keys, article
        self._raw = list(automaton.iter(self.hay)) if automaton is not None else []
        self.hit_keys = {key_id for _, key_id in self._raw}
        self._ends: dict[int, list[int]] | None = None
        self._places: dict[Term, list[tuple[str, int, int]]] = {}
        _, text, author, outlet = self.starts  # where each region starts in the hay
        self._bounds = {None: (0, author), "title": (0, text), "text": (text, author),
                        "author": (author, outlet), "outlet": (outlet, len(self.hay))}  # fmt: skip

    def starts_of(self, key_id: int) -> list[tuple[str, int]]:
        """(region, character offset) of each hit of one automaton key."""
        length = len(self.keys[key_id])
        return [(REGIONS[bisect_right(self.starts, end - length + 1) - 1], end - length + 1)
                for end in self.ends.get(key_id, ())]  # fmt: skip

    @property
    def ends(self) -> dict[int, list[int]]:
        """Where each automaton key's hits end, by key (grouped when first needed: most
        articles are ruled out for every watchlist before)."""
        if self._ends is None:
            self._ends = {}
            for end, key_id in self._raw:
                self._ends.setdefault(key_id, []).append(end)
        return self._ends

    def word_index(self, region: str, offset: int) -> int:
        """Which word of its region starts at `offset` (each word follows exactly one space)."""
        return self.hay.count(" ", self.starts[REGIONS.index(region)], offset)

    def present(self, term: Term, key_ids: tuple[int, ...]) -> bool:
        """Whether `term` occurs where its field allows (no word positions needed)."""
        if term.slop is not None:
            return bool(self.places(term, key_ids))
        ends = self.ends.get(key_ids[0])
        if not ends:
            return False
        lo, hi = self._bounds[term.field]
        length = len(self.keys[key_ids[0]]) - 1
        return any(lo <= end - length < hi for end in ends)

    def places(self, term: Term, key_ids: tuple[int, ...]) -> list[tuple[str, int, int]]:
        """Each hit of `term` as (region, first word index, word count), where it is allowed."""
        if term not in self._places:
            allowed = (term.field,) if term.field else _ANYWHERE
            if term.slop is None:
                self._places[term] = [
                    (region, self.word_index(region, start), len(term.words))
                    for region, start in self.starts_of(key_ids[0])
                    if region in allowed
                ]
            else:
                self._places[term] = self._sloppy(term.slop, key_ids, allowed)
        return self._places[term]

    def _sloppy(
        self, slop: int, key_ids: tuple[int, ...], allowed: tuple[str, ...]
    ) -> list[tuple[str, int, int]]:
        """Hits of "phrase"~n: its words in order, at most n other words between them in all."""
        out = []
        for region in allowed:
            seqs = [sorted(self.word_index(r, s) for r, s in self.starts_of(k) if r == region)
                    for k in key_ids]  # fmt: skip
            for first in seqs[0]:
                last = first
                for seq in seqs[1:]:
                    last = next((p for p in seq if p > last), -1)
                    if last < 0:
                        break
                if last >= 0 and last - first - (len(key_ids) - 1) <= slop:
                    out.append((region, first, last - first + 1))
        return out


class Watchlists(Mapping[str, "Query"]):
    """Named queries compiled together: one automaton over the words of all their terms."""

    def __init__(self, queries: Mapping[str, Query]) -> None:
        self.queries = dict(queries)
        self.keys: list[str] = []
        self.term_keys: dict[Term, tuple[int, ...]] = {}
        key_ids: dict[str, int] = {}
        for query in self.queries.values():
            for term in query.terms:
                keys = [term.key] if term.slop is None else [f" {w} " for w in term.words]
                self.term_keys[term] = tuple(key_ids.setdefault(k, len(key_ids)) for k in keys)
        self.keys = list(key_ids)
        self.terms = list(self.term_keys)  # a term's place here is its id in the programs
        self.keys_of = list(self.term_keys.values())  # by term id
        ids = {term: n for n, term in enumerate(self.terms)}
        self.programs = {name: _program(q.root, ids) for name, q in self.queries.items()}
        anchors = {term: frozenset(keys[:1]) for term, keys in self.term_keys.items()}
        self.order = {name: n for n, name in enumerate(self.queries)}  # config order
        # Key sets a watchlist needs a hit of, each: its first set nominates it for an article
        # (one hit of it is needed anyway), the others rule it out cheaply.
        self.needs = {name: _needs(q.root, anchors) for name, q in self.queries.items()}
        # The same sets as words to look for in raw lower-cased ASCII text (a prefilter).
        self.need_words = {
            name: [tuple({self.keys[k].split()[0] for k in keys}) for keys in needs]
            for name, needs in self.needs.items()
        }
        self.nominates: dict[int, list[str]] = {}
        for name, needs in self.needs.items():
            for key_id in needs[0] if needs else range(len(self.keys)):
                self.nominates.setdefault(key_id, []).append(name)
        self.automaton = _automaton(self.keys)

    @classmethod
    def of(cls, queries: Mapping[str, Query]) -> Watchlists:
        """`queries` compiled, or as they are if they already are."""
        return queries if isinstance(queries, Watchlists) else cls(queries)

    def __getitem__(self, name: str) -> Query:
        return self.queries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.queries)

    def __len__(self) -> int:
        return len(self.queries)

    def surely_misses(self, article: Article) -> bool:
        """True when, without normalizing, no watchlist can match an ASCII article: each lacks
        every word of a clause it needs, even as a substring (for scans of many articles)."""
        parts = (article.title, article.text, article.author, article.outlet)
        low = plain_lower("\n".join(part or "" for part in parts))
        if low is None:
            return False  # folding could make the words: only the full path can tell
        return all(
            any(not any(word in low for word in words) for words in needs)
            for needs in self.need_words.values()
        )

    def hits(self, article: Article) -> Hits:
        """Every term hit in `article`, found in one pass."""
        return Hits(self.automaton, self.keys, article)

    def match(self, article: Article) -> dict[str, Match]:
        """The watchlists matching `article`, each with its evidence, in config order."""
        found = self.hits(article)
        nominated = (self.nominates.get(k, ()) for k in found.hit_keys)
        candidates = set().union(*nominated)
        out = {}
        present: dict[int, bool] = {}
        hit = found.hit_keys
        for name in sorted(candidates, key=self.order.__getitem__):
            if any(hit.isdisjoint(keys) for keys in self.needs[name][1:]):
                continue  # a clause none of whose words occur: cheap to rule out in C
            if self._run(self.programs[name], found, present):
                out[name] = _evidence(self, self.queries[name], found)
        return out

    def _run(self, op: tuple, found: Hits, present: dict[int, bool]) -> bool:
        """A compiled query tree over one article's hits (terms by id, each looked up once)."""
        kind = op[0]
        if kind == _TERM:
            if (known := present.get(op[1])) is None:
                tid = op[1]
                known = present[tid] = found.present(self.terms[tid], self.keys_of[tid])
            return known
        if kind == _NOT:
            return not self._run(op[1], found, present)
        if kind == _AND:
            return all(self._run(o, found, present) for o in op[1])
        if kind == _OR:
            return any(self._run(o, found, present) for o in op[1])
        return Truth(self, found).holds(op[1])  # NEAR and lang: rare, by the tree itself

    def evaluate(self, query: Query, found: Hits) -> Match | None:
        """`query` over an article's hits: its Match, or None when it does not hold."""
        if not Truth(self, found).holds(query.root):
            return None
        return _evidence(self, query, found)


class Truth:
    """Evaluates query nodes over one article's hits."""

    def __init__(self, compiled: Watchlists, found: Hits) -> None:
        self.compiled, self.found = compiled, found

    def places(self, term: Term) -> list[tuple[str, int, int]]:
        return self.found.places(term, self.compiled.term_keys[term])

    def holds(self, node: Node) -> bool:
        """Whether `node` is true for the article."""
        if isinstance(node, Term):
            return self.found.present(node, self.compiled.term_keys[node])
        if isinstance(node, Not):
            return not self.holds(node.operand)
        if isinstance(node, And):
            return all(self.holds(operand) for operand in node.operands)
        if isinstance(node, Or):
            return any(self.holds(operand) for operand in node.operands)
        if isinstance(node, Lang):
            language = (self.found.article.language or "").lower().replace("_", "-")
            return language == node.code or language.startswith(node.code + "-")
        return self.near(node)

    def near(self, node: Near) -> bool:
        left, right = self.side(node.left), self.side(node.right)
        return any(
            r1 == r2 and gap(p1, n1, p2, n2) <= node.distance
            for r1, p1, n1 in left
            for r2, p2, n2 in right
        )

    def side(self, node: Node) -> list[tuple[str, int, int]]:
        terms = [node] if isinstance(node, Term) else node.operands  # type: ignore[union-attr]
        return [place for term in terms for place in self.places(term)]  # type: ignore[arg-type]


_TERM, _NOT, _AND, _OR, _OTHER = range(5)


def _program(node: Node, ids: dict[Term, int]) -> tuple:
    """A query tree as nested tuples of ints: cheap to walk once per article and watchlist."""
    if isinstance(node, Term):
        return (_TERM, ids[node])
    if isinstance(node, Not):
        return (_NOT, _program(node.operand, ids))
    if isinstance(node, And | Or):
        kind = _AND if isinstance(node, And) else _OR
        return (kind, tuple(_program(operand, ids) for operand in node.operands))
    return (_OTHER, node)


def _needs(node: Node, anchors: dict[Term, frozenset[int]]) -> list[frozenset[int]]:
    """Sets of automaton keys the article must hit one of each of for `node` to hold."""
    operands = node.operands if isinstance(node, And) else (node,)
    return [keys for operand in operands if (keys := _anchor(operand, anchors)) is not None]


def _anchor(node: Node, anchors: dict[Term, frozenset[int]]) -> frozenset[int] | None:
    """Keys of which `node` needs at least one hit to hold; None when it needs none."""
    if isinstance(node, Term):
        return anchors[node]
    if isinstance(node, Near):
        return _anchor(node.left, anchors)
    if isinstance(node, Or):
        parts = [_anchor(operand, anchors) for operand in node.operands]
        return None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
    if isinstance(node, And):
        return next((a for o in node.operands if (a := _anchor(o, anchors)) is not None), None)
    return None  # NOT and lang: can hold with no hit


def gap(p1: int, n1: int, p2: int, n2: int) -> int:
    """Words strictly between two hits (negative when they overlap)."""
    return p2 - (p1 + n1) if p1 <= p2 else p1 - (p2 + n2)


def _automaton(keys: list[str]) -> ahocorasick.Automaton | None:
    if not keys:
        return None  # pyahocorasick cannot search with an empty automaton
    automaton = ahocorasick.Automaton()
    for key_id, key in enumerate(keys):
        automaton.add_word(key, key_id)
    automaton.make_automaton()
    return automaton


def _evidence(compiled: Watchlists, query: Query, found: Hits) -> Match:
    """The positive terms found, where, and a snippet of the text around the first one."""
    truth = Truth(compiled, found)
    matched = [(term, truth.places(term)) for term in query.positive]
    matched = [(term, places) for term, places in matched if places]
    fields = tuple("+".join(dict.fromkeys(r for r, *_ in places)) for _, places in matched)
    text = found.article.text
    # (first word, word count) of every hit in the text
    in_text = [(i, n) for _, places in matched for region, i, n in places if region == "text"]
    terms = tuple(term.text for term, _ in matched)
    if not in_text:  # only the title (or a byline) matched: show how the text begins
        return Match(terms, snippet(text, 0, 0, [])[0], fields)
    # Only hits near the first can fall inside the snippet: words past that are not looked up.
    first = min(in_text)[0]
    near = sorted({(i, n) for i, n in in_text if i <= first + _SNIPPET_WORDS})
    spans = word_spans(text, [p for i, n in near for p in (i, i + n - 1)])
    marks = [(spans[i][0], spans[i + n - 1][1]) for i, n in near
             if i in spans and i + n - 1 in spans]  # fmt: skip
    if not marks:
        return Match(terms, snippet(text, 0, 0, [])[0], fields)
    shown, highlights = snippet(text, marks[0][0], marks[0][1], marks)
    return Match(terms, shown, fields, highlights)


def match(
    query: Query, title: str, text: str, *, author: str = "", outlet: str = "",
    language: str | None = None,
) -> Match | None:
    """Match `query` against one article; None if it does not match, else its evidence."""
    compiled = query.matcher
    return compiled.evaluate(query, compiled.hits(Article(title, text, author, outlet, language)))
