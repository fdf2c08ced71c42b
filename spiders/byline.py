"""Cleaning: the date a page prints for readers: under its headline (the byline's date), or after a
label that says it is the publication date ("Published:", "Erschienen am", "Publicado el")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from itertools import islice

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
    r"|atualizad|zaktualizowan|uppdaterad|opdateret|oppdatert|päivitetty|aktualizováno"
    r"|обновлен|diperbarui|güncellen|更新|수정",
    re.IGNORECASE,
)
_SKIPPED = frozenset({"script", "style", "noscript", "template"})
# A label naming the date that follows it as the publication's (not an event's or a page
# clock's), in the languages of the world's news sites. "Date:"/"Datum:" need their colon:
# bare, they open ordinary sentences.
_PUBLISHED_CUE = re.compile(
    r"(?:\b(?:(?:first )?published|posted|written|veröffentlicht|erschienen|erstellt|publiziert"
    r"|publicad[oa]|publié|pubblicato|gepubliceerd|opublikowano|publicerad|publiceret|publisert"
    r"|julkaistu|publikováno|опубликовано|diterbitkan|yayınlanma tarihi)\b"
    r"|发布时间|发布日期|發佈時間|公開日|掲載日|配信日|작성일|입력)"
    r"(?:[^\S\n]+(?:on|am|le|el|em|il|op)\b)?[^\S\n]*[:：]?[^\S\n]*"
    r"|\b(?:date|datum|fecha|data)[^\S\n]*[:：][^\S\n]*",
    re.IGNORECASE,
)
# The date must follow the label at once (a weekday or a month name may come first): "posted
# by Ann (26/11/2019)" names someone else's date.
_DATE_LEADS = re.compile(r"\s*(?:[^\W\d]+\.?,?\s+){0,2}\d")
# Clock times go before parsing (htmldate's parser rejects "2023-11-07 15:03:30"), and the
# window ends where a second date starts ("/ Updated: …").
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:uhr|am|pm|h)?", re.IGNORECASE)
_NEXT_PART = re.compile(r"\s[/|·•–-]\s|" + _UPDATE_CUE.pattern, re.IGNORECASE)
LABEL_WINDOW = 40
MAX_LABELS = 10


def byline_date(tree: HtmlElement) -> str | None:
    """The first date (YYYY-MM-DD) in a `<time datetime>` or a short text run after the first
    <h1>, before the prose starts, else in the run right above it (a dateline over the
    headline); None when there is no <h1> or no such date."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return None
    return _under(h1) or _dated(next(_before(h1), ""))


def _under(h1: HtmlElement) -> str | None:
    runs = 0
    for element in _after(h1):
        if element.tag == "time" and (found := _day(element.get("datetime"))):
            return found
        # An element's tail is a run too: "<span>von</span> <a>Ann</a><br>am 20.09.2020".
        for text in (*_collapsed(element.text), *_collapsed(element.tail)):
            runs += 1
            if runs > MAX_RUNS or len(text) > MAX_RUN_CHARS:
                return None
            if found := _dated(text):
                return found
    return None


def _dated(run: str) -> str | None:
    # A short run's date, unless the run says it is an update's ("Updated 12 March").
    if len(run) > MAX_RUN_CHARS or _UPDATE_CUE.search(run):
        return None
    return _day(run) if any(char.isdigit() for char in run) else None


def labelled_date(tree: HtmlElement) -> str | None:
    """The first date (YYYY-MM-DD) right after a publication label in a short text run
    ("Erschienen am: 13.10.2021", "Published <span>May 4, 2022</span>"), or None."""
    # One line per short run (a long one is prose: blanked), searched in one pass.
    lines = "\n".join(run if len(run) <= MAX_RUN_CHARS else "" for run in _runs(tree))
    windows = (_window(lines, cue.end()) for cue in _PUBLISHED_CUE.finditer(lines))
    # A bounded number of readings: a forum's hundred "Posted: …" lines cost no more.
    for window in islice(filter(_DATE_LEADS.match, windows), MAX_LABELS):
        first = _NEXT_PART.split(_CLOCK.sub(" ", window[:LABEL_WINDOW]))[0]
        if found := _day(first, extensive=True):
            return found
    return None


def _window(lines: str, start: int) -> str:
    # What follows a label on its line, else the next line (the label and its date in two
    # elements).
    return _line_at(lines, start) or _line_at(lines, start + 1)


def _line_at(lines: str, start: int) -> str:
    end = lines.find("\n", start)
    return lines[start : end if end >= 0 else len(lines)]


def _runs(tree: HtmlElement) -> Iterator[str]:
    # Every text run of the page in document order, whitespace collapsed, outside scripts.
    for element in tree.iter():
        if _readable(element):
            yield from _collapsed(element.text)
        if isinstance(element.tag, str):
            yield from _collapsed(element.tail)


def _collapsed(text: str | None) -> Iterator[str]:
    if text and (collapsed := " ".join(text.split())):
        yield collapsed


def _after(h1: HtmlElement) -> Iterator[HtmlElement]:
    # The elements after the <h1> in document order, outside it, lazily: each later sibling's
    # subtree, then the parent's later siblings', and so on up the tree.
    node: HtmlElement | None = h1
    while node is not None:
        for sibling in node.itersiblings():
            yield from (element for element in sibling.iter() if _readable(element))
        node = node.getparent()


def _before(h1: HtmlElement) -> Iterator[str]:
    # The text runs before the <h1>, nearest first, lazily: each earlier sibling's tail and
    # subtree backwards, then the parent's own text, and so on up the tree.
    node = h1
    while (parent := node.getparent()) is not None:
        for sibling in node.itersiblings(preceding=True):
            yield from _collapsed(sibling.tail)
            yield from _backwards(sibling)
        if _readable(parent):
            yield from _collapsed(parent.text)
        node = parent


def _backwards(element: HtmlElement) -> Iterator[str]:
    for child in reversed(element):
        yield from _collapsed(child.tail)
        yield from _backwards(child)
    if _readable(element):
        yield from _collapsed(element.text)


def _readable(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and element.tag not in _SKIPPED


def _day(text: str | None, *, extensive: bool = False) -> str | None:
    # extensive: dateparser's reading too ("6 de mayo de 2022"), for the few labelled windows.
    if not text:
        return None
    return try_date_expr(text, "%Y-%m-%d", extensive, _EARLIEST, _LATEST)
