"""Why an alert matched, as a template shows it: the snippet cut into plain and highlighted
segments (each escaped on its own by the channel's environment) and where each term was
found (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from alerts.escape import ELLIPSIS, fit, one_line

# alerts.matcher's region names as an editor reads them.
_PLACES = {"title": "headline", "text": "text", "author": "byline", "outlet": "outlet"}


def segments(snippet: str, highlights: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """The snippet as (text, highlighted) runs; spans out of range, empty or overlapping an
    earlier one are ignored (an old or foreign row must still render)."""
    runs: list[tuple[str, bool]] = []
    at = 0
    for span in sorted(tuple(s) for s in highlights if len(s) == 2):
        start, end = int(span[0]), int(span[1])
        if start < at or end <= start or end > len(snippet):
            continue
        if start > at:
            runs.append((snippet[at:start], False))
        runs.append((snippet[start:end], True))
        at = end
    if at < len(snippet) or not runs:
        runs.append((snippet[at:], False))
    return runs


def snippet_parts(
    snippet: str, highlights: Sequence[Sequence[int]], limit: int, measure: Callable[[str], int]
) -> list[dict[str, Any]]:
    """The snippet's runs on one line, within `limit` as `measure` counts them all together;
    the run that does not fit is cut on a word with "…" and the rest dropped."""
    parts: list[dict[str, Any]] = []
    room = limit
    for text, hit in segments(snippet, highlights):
        # One line per run, keeping the spaces at its edges: they separate it from its neighbours.
        lead, trail = text[:1].isspace(), text[-1:].isspace()
        flat = (" " if lead else "") + one_line(text) + (" " if trail and text.strip() else "")
        if not flat:
            continue
        if measure(flat) > room:
            cut = fit(flat, room, measure)
            if cut.strip(ELLIPSIS + " "):
                parts.append({"text": cut, "hit": hit})
            elif parts:
                parts[-1] = {**parts[-1], "text": parts[-1]["text"].rstrip() + ELLIPSIS}
            break
        parts.append({"text": flat, "hit": hit})
        room -= measure(flat)
    return parts


def first_place(field: str | None) -> str | None:
    """Where a term was found first, reading as an editor does (headline, text, byline,
    outlet): "headline" for "title+text"."""
    if not field:
        return None
    regions = field.split("+")
    first = min(regions, key=lambda r: list(_PLACES).index(r) if r in _PLACES else len(_PLACES))
    return _PLACES.get(first, first)


def by_place(terms: Sequence[str], fields: Sequence[str]) -> list[dict[str, Any]]:
    """The terms grouped by where they were first found, headline first: [{"where":
    "headline", "terms": [...]}, ...]; one group with "where" None when fields are unknown."""
    if len(fields) < len([t for t in terms if t != ELLIPSIS]):
        return [{"where": None, "terms": list(terms)}] if terms else []
    groups: dict[str | None, list[str]] = {}
    for term, field in zip(terms, fields, strict=False):
        if term != ELLIPSIS:
            groups.setdefault(first_place(field), []).append(term)
    order = [*_PLACES.values(), None]
    ranked = sorted(groups, key=lambda w: order.index(w) if w in order else len(order))
    out = [{"where": where, "terms": groups[where]} for where in ranked]
    if out and terms and terms[-1] == ELLIPSIS:  # a cut list: "…" ends the last group
        out[-1]["terms"].append(ELLIPSIS)
    return out


def place(field: str | None) -> str | None:
    """Where a term was found, in words: "headline", "text", "headline and text", "byline"."""
    if not field:
        return None
    return " and ".join(_PLACES.get(region, region) for region in field.split("+"))


def matched(terms: Sequence[str], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Each (bounded) term with where it was found; None where unknown (older rows, or the
    "…" that ends a cut list)."""
    known = list(fields) if len(fields) >= len([t for t in terms if t != ELLIPSIS]) else []
    return [
        {"term": term, "where": place(known[n]) if n < len(known) and term != ELLIPSIS else None}
        for n, term in enumerate(terms)
    ]
