"""Cleaning: an outlet's own CSS/XPath excludes, compiled once and cut from each parsed page."""

from __future__ import annotations

from collections.abc import Iterable

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

Excludes = tuple[etree.XPath, ...]


class ExcludeError(ValueError):
    """An exclude selector that does not compile; the message names it and the reason."""


def compile_excludes(selectors: Iterable[str | etree.XPath]) -> Excludes:
    """Compile CSS selectors and XPaths ("/" or "(" first); compiled ones pass through as is."""
    return tuple(
        item if isinstance(item, etree.XPath) else compile_exclude(item) for item in selectors
    )


def compile_exclude(selector: str) -> etree.XPath:
    """One selector as an XPath object: XPath when it starts with "/" or "(", else CSS."""
    text = selector.strip()
    if not text:
        raise ExcludeError("empty selector")
    if text.startswith(("/", "(")):
        return _xpath(text)
    try:
        # The html translator matches element and attribute names case-insensitively, as HTML does.
        return CSSSelector(text, translator="html")
    except SelectorError as exc:
        raise ExcludeError(f"invalid CSS selector {text!r}: {exc}") from None


def drop_excluded(tree: etree._Element, excludes: Excludes) -> None:
    """Remove the elements the excludes match, with their content (the root always stays)."""
    for xpath in excludes:
        found = xpath(tree)
        # An expression may select text or attributes (`//p/text()`): only elements are cut.
        for element in found if isinstance(found, list) else ():
            if isinstance(element, etree._Element):
                _drop(element)


def _xpath(text: str) -> etree.XPath:
    try:
        xpath = etree.XPath(text)
        # Run once on a stub page: an undefined namespace prefix or function only fails when
        # an expression runs, and a config error beats a failed page on every crawl.
        probed = xpath(etree.fromstring("<html><body/></html>"))
    except etree.XPathError as exc:
        raise ExcludeError(f"invalid XPath {text!r}: {exc}") from None
    if not isinstance(probed, list):  # count(), string(), a comparison: no elements ever
        raise ExcludeError(f"XPath {text!r} gives a value ({probed!r} here), not elements")
    return xpath


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:  # the root: dropping it would leave no page at all
        return
    # The text after the element belongs to its parent's content, not to what is cut.
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
