"""Cleaning: page furniture inside the article container that trafilatura would keep as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from courlan import is_external
from lxml.html import HtmlElement

from spiders.text import (
    AD_LABEL,
    COPYRIGHT,
    DISCLOSURE,
    MAX_CTA_CHARS,
    MAX_DISCLOSURE_CHARS,
    PHOTO_CREDIT,
    RELATED_HEADING,
    SOCIAL_CTA,
    SUBSCRIBE_CTA,
    TAXONOMY_LINE,
    TEASER_LINE,
)

# Blocks trafilatura keeps because they sit inside the article container and read like prose:
# donation appeals, premium and newsletter upsells, related-article lists, ads, copyright
# notices. Matched on class, id and data-component; <article>/<main> are exempt, and a match
# on a block that holds most of the article is ignored later (spiders.refine), so a
# "promo-enabled" wrapper or a "category-native-advertising" post class cannot take the story
# with it. Matched in Python: the same test as an XPath translate()/contains() took 2.4 ms.
_MARKERS = re.compile(
    "donat|support-us|contribut|appeal|upsell|bookmark|paywall|newsletter|signup|sign-up"
    "|promo|related|recommended|most-popular|most-read|more-from|read-next|advert|copyright"
    # "ad" only as a whole class name: as a substring it is in "header", "loaded", "shadow".
    r"|(?:^|\s)ad(?:\s|$)"
)
_EXEMPT_TAGS = frozenset({"html", "body", "main", "article"})
_CHROME_XPATH = (
    "//header[not(ancestor::article or ancestor::main)][not(.//h1)]"
    " | //nav[not(ancestor::article)] | //footer[not(ancestor::article or ancestor::main)]"
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
# A link whose text is an address is a cited source ("Source: https://…"), not a teaser.
_BARE_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# "© 2024 Harbourtown Gazette. All rights reserved." is a notice; a wire story's long credit
# ("© 2019 The Associated Press. All rights reserved. This material may not be…") is the text.
MAX_NOTICE_WORDS = 12


@dataclass(frozen=True)
class Furniture:
    """A block of the page that is furniture, and the rule that says so (for --explain)."""

    element: HtmlElement
    rule: str  # "marker", "page chrome", "call-to-action" or "teaser"
    evidence: str  # the class/id or the text that triggered the rule


def find_furniture(tree: HtmlElement, url: str | None = None) -> Iterator[Furniture]:
    """Blocks that are furniture: by class marker, page chrome, call-to-action box or teaser line.

    With the page's `url`, a teaser line must link within the site: "Earcuff: <shop link>"
    and "Source: <another outlet>" are the article's own text."""
    # Only elements with a class, id or data-component can carry a marker: let lxml find them.
    for element in tree.xpath("//*[@class or @id or @data-component]"):
        if element.tag not in _EXEMPT_TAGS and (names := _marker_names(element)):
            yield Furniture(element, "marker", names)
    for element in tree.iter("figcaption"):
        yield Furniture(element, "caption", "figcaption")
    # The site's own header, navigation and footer, outside the article: trafilatura's recall
    # reading (asked for short stories) can keep a breaking-news ticker or a menu from them.
    for element in tree.xpath(_CHROME_XPATH):
        yield Furniture(element, "page chrome", element.tag)
    for element in tree.xpath("//a | //button | //form[.//input[@type='email']]"):
        if element.tag == "form" or _is_call_to_action(element):
            box = _box_around(element)
            if box is not None:
                yield Furniture(box, "call-to-action", _flat(element.text_content())[:60])
    for paragraph in tree.iter("p"):
        if _is_teaser_line(paragraph, url):
            yield Furniture(paragraph, "teaser", _flat(paragraph.text_content())[:60])


def furniture_line_rule(line: str) -> str | None:
    """The rule making a text line furniture (an ad label, a short copyright notice, a related
    links heading, a call to follow or subscribe, an advertising disclosure, a photo credit)."""
    text = line.strip().strip("|").strip()
    if AD_LABEL.match(text):
        return "ad label"
    if COPYRIGHT.match(text) and len(text.split()) <= MAX_NOTICE_WORDS:
        return "copyright notice"
    if RELATED_HEADING.match(text):
        return "related heading"
    if TEASER_LINE.match(text):
        return "teaser"
    if TAXONOMY_LINE.match(text):
        return "taxonomy"
    if len(text) <= MAX_CTA_CHARS and (SOCIAL_CTA.search(text) or SUBSCRIBE_CTA.search(text)):
        return "call to action"
    if len(text) <= MAX_DISCLOSURE_CHARS and DISCLOSURE.search(text):
        return "advertising disclosure"
    if PHOTO_CREDIT.match(text):
        return "photo credit"
    return None


def _marker_names(element: HtmlElement) -> str | None:
    names = " ".join(
        filter(None, (element.get("class"), element.get("id"), element.get("data-component")))
    )
    return names[:80] if _MARKERS.search(names.lower()) else None


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


def _is_teaser_line(paragraph: HtmlElement, url: str | None) -> bool:
    text = _flat(paragraph.text_content())
    match = _TEASER_LABEL.match(text) if len(text) <= 200 else None
    if not match:
        return False
    links = [_flat(link.text_content()) for link in paragraph.iter("a")]
    if any(_BARE_ADDRESS.match(link) for link in links):
        return False
    if url and not any(_within_site(href, url) for href in paragraph.xpath(".//a/@href")):
        return False
    return sum(len(link) for link in links) >= 0.8 * len(match["rest"])


def _within_site(href: str, url: str) -> bool:
    # courlan compares registered domains: www.example.com and example.com are one site.
    return not is_external(urljoin(url, href.strip()), url)


def _flat(text: str) -> str:
    return " ".join(text.split())
