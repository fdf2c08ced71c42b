"""Cleaning: page furniture inside the article container that trafilatura would keep as text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# Blocks trafilatura keeps because they sit inside the article container and read like prose:
# donation appeals, premium and newsletter upsells, related-article lists, ads, copyright
# notices. Matched on class, id and data-component; <article>/<main> are exempt so a
# "promo-enabled" wrapper cannot take the whole story with it. Matched in Python: the same
# test as an XPath translate()/contains() expression took 2.4 ms of a 5 ms page.
_MARKERS = re.compile(
    "donat|support-us|contribut|appeal|upsell|bookmark|paywall|newsletter|signup|sign-up"
    "|promo|related|recommended|most-popular|most-read|more-from|read-next|advert|copyright"
    # "ad" only as a whole class name: as a substring it is in "header", "loaded", "shadow".
    r"|(?:^|\s)ad(?:\s|$)"
)
_EXEMPT_TAGS = frozenset({"html", "body", "main", "article"})
MARK = "data-newswatch-boilerplate"
PRUNE_XPATHS = (
    f"//*[@{MARK}]",
    # An article's own <header> holds the headline, standfirst and byline, not body text.
    "//article//header",
)

# The text of a button or link that asks the reader to pay, subscribe or sign up.
_CALL_TO_ACTION = re.compile(
    r"^(?:donate|subscribe|support|sign\s?-?\s?(?:me\s)?up|join\b|become an? |contribute|give now"
    r"|get (?:our|the) (?:free )?newsletter|jetzt abonnieren|abonnieren|spenden|unterstützen)",
    re.IGNORECASE,
)
MAX_CALL_CHARS = 40
# A call-to-action box is short; anything longer around the button is the article itself.
MAX_BOX_CHARS = 600
_BOX_TAGS = frozenset({"div", "section", "aside", "form", "figure"})
_INLINE_TAGS = frozenset({"p", "li", "span", "strong", "b", "em", "i", "ul", "ol"})
_STOP_TAGS = frozenset({"article", "main", "body", "html"})
# "RELATED: <link>", "Read more: <link>", "Lesen Sie auch: <link>" between paragraphs.
_TEASER_LABEL = re.compile(r"^[^.!?:]{2,30}:\s*(?P<rest>\S.*)$")
_FURNITURE_LINE = re.compile(
    r"^(?:advertisement|skip advertisement|story continues below(?: this)? advertisement|anzeige"
    r"|(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).*)$",
    re.IGNORECASE,
)


def mark_boilerplate(tree: HtmlElement) -> None:
    """Flag furniture blocks, call-to-action boxes and teaser lines for PRUNE_XPATHS to drop."""
    # Only elements with a class, id or data-component can carry a marker: let lxml find them.
    for element in tree.xpath("//*[@class or @id or @data-component]"):
        if element.tag not in _EXEMPT_TAGS and _has_marker(element):
            element.set(MARK, "marker")
    for element in tree.xpath("//a | //button | //form[.//input[@type='email']]"):
        if element.tag == "form" or _is_call_to_action(element):
            box = _box_around(element)
            if box is not None:
                box.set(MARK, "call-to-action")
    for paragraph in tree.iter("p"):
        if _is_teaser_line(paragraph):
            paragraph.set(MARK, "teaser")


def is_furniture_line(line: str) -> bool:
    """True for a text line that is an ad label or a copyright notice, never article prose."""
    return bool(_FURNITURE_LINE.match(line.strip()))


def _has_marker(element: HtmlElement) -> bool:
    names = (element.get("class"), element.get("id"), element.get("data-component"))
    return bool(_MARKERS.search(" ".join(filter(None, names)).lower()))


def _is_call_to_action(element: HtmlElement) -> bool:
    text = _flat(element.text_content())
    return len(text) <= MAX_CALL_CHARS and bool(_CALL_TO_ACTION.match(text))


def _box_around(element: HtmlElement) -> HtmlElement | None:
    # Climb while the ancestors stay small. A link inside a longer paragraph is part of the
    # prose ("residents can join the consultation…"), so an inline parent with more text stops.
    own = len(_flat(element.text_content()))
    node, box = element, element if element.tag in _BOX_TAGS else None
    while (parent := node.getparent()) is not None and parent.tag not in _STOP_TAGS:
        size = len(_flat(parent.text_content()))
        if size > MAX_BOX_CHARS or parent.find(".//h1") is not None:
            break
        if parent.tag in _INLINE_TAGS and size > own:
            break
        node = parent
        if parent.tag in _BOX_TAGS:
            box = parent
    return box


def _is_teaser_line(paragraph: HtmlElement) -> bool:
    text = _flat(paragraph.text_content())
    match = _TEASER_LABEL.match(text) if len(text) <= 200 else None
    if not match:
        return False
    linked = sum(len(_flat(link.text_content())) for link in paragraph.iter("a"))
    return linked >= 0.8 * len(match["rest"])


def _flat(text: str) -> str:
    return " ".join(text.split())
