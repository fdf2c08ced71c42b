"""Cleaning: the date a page prints under its headline (the byline's date), as readers see it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from htmldate.extractors import try_date_expr
from lxml.html import HtmlElement

# The byline stands in the first few text runs after the <h1>; a run this long is the story's
# prose, and past it a date belongs to the story's text or to the rest of the page.
MAX_RUNS = 25
MAX_RUN_CHARS = 120
_EARLIEST, _LATEST = datetime(1994, 1, 1), datetime(2100, 1, 1)
# A run that says it is an update's date ("Updated", "Aktualisiert", "Mis à jour"…).
_UPDATE_CUE = re.compile(
    r"updated|update:|aktualisiert|geändert|actualizad|mis à jour|modifi|aggiornat|bijgewerkt"
    r"|atualizad|zaktualizowan|更新",
    re.IGNORECASE,
)
_SKIPPED = frozenset({"script", "style", "noscript", "template"})


def byline_date(tree: HtmlElement) -> str | None:
    """The first date (YYYY-MM-DD) in a `<time datetime>` or a short text run after the first
    <h1>, before the prose starts; None when there is no <h1> or no such date."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return None
    runs = 0
    for element in _after(h1):
        if element.tag == "time" and (found := _day(element.get("datetime"))):
            return found
        text = " ".join((element.text or "").split())
        if not text:
            continue
        runs += 1
        if runs > MAX_RUNS or len(text) > MAX_RUN_CHARS:
            return None
        if _UPDATE_CUE.search(text):
            continue  # "Updated 12 March": not when the story was published
        if any(char.isdigit() for char in text) and (found := _day(text)):
            return found
    return None


def _after(h1: HtmlElement) -> Iterator[HtmlElement]:
    # The elements after the <h1> in document order, outside it, lazily: each later sibling's
    # subtree, then the parent's later siblings', and so on up the tree.
    node: HtmlElement | None = h1
    while node is not None:
        for sibling in node.itersiblings():
            yield from (element for element in sibling.iter() if _readable(element))
        node = node.getparent()


def _readable(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and element.tag not in _SKIPPED


def _day(text: str | None) -> str | None:
    if not text:
        return None
    return try_date_expr(text, "%Y-%m-%d", False, _EARLIEST, _LATEST)
