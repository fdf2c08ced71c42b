"""Cleaning: is a page one article? Several independent signals must agree before a page
trafilatura extracts is turned away as a listing, video or error page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from trafilatura.settings import Document

from spiders.headline import name_key

# Fewer body characters than this is a sign of a video, gallery, stub or error page. Only
# lines of at least MIN_LINE_CHARS count: on thin pages trafilatura falls back to recall mode
# and returns menu entries, buttons and captions. Mostly such fragments is another sign.
MIN_BODY_CHARS = 200
MIN_LINE_CHARS = 40
MIN_PROSE_SHARE = 0.6
FRAGMENTS = "no article text"
# A section or listing page comes out as a list of teasers, most of them links; an article has
# at most a few bullet points or links among its paragraphs. Real list-style and deals
# articles reach 0.6-0.7 on one of these alone, so one signal never decides.
MAX_LIST_SHARE = 0.5
MAX_LINKED_SHARE = 0.5
SIGNALS_TO_REJECT = 2
# Cards: list items that sit in an <li> with a link and more text than trafilatura kept.
MIN_CARDS = 5
MIN_CARD_KEY = 20
MAX_CARD_SHARE = 0.6
# Page types a page declares (og:type or JSON-LD @type) that are never a single article.
# "website" is left out on purpose: some CMSs put it on every page, articles included.
NON_ARTICLE_TYPES = frozenset(
    {"collectionpage", "searchresultspage", "profilepage", "itemlist", "aboutpage", "contactpage"}
)
NON_ARTICLE_TYPE_PREFIXES = ("video", "music", "profile", "book")


@dataclass(frozen=True)
class Verdict:
    """Whether a page is an article, and the signals that spoke against it."""

    is_article: bool
    reasons: tuple[str, ...] = ()


def judge(doc: Document | None, tree: HtmlElement, url: str) -> Verdict:
    """An article unless its text is thin, or at least two listing/video signals agree."""
    if doc is None or not doc.text:
        return Verdict(False, ("trafilatura found no main text",))
    lines = doc.text.splitlines()
    signals = tuple(
        reason
        for reason in (
            _thin_signal(lines),
            _declared_type(doc),
            _list_signal(doc),
            _link_signal(lines, tree),
            _card_signal(lines, tree, url),
        )
        if reason
    )
    decisive = any(FRAGMENTS in signal for signal in signals)
    return Verdict(not decisive and len(signals) < SIGNALS_TO_REJECT, signals)


def _thin_signal(lines: list[str]) -> str | None:
    total = sum(len(line) for line in lines) or 1
    prose = sum(len(line) for line in lines if len(line) >= MIN_LINE_CHARS)
    if prose >= MIN_BODY_CHARS:
        return None
    if prose / total < MIN_PROSE_SHARE:  # a menu and a caption: no article text at all
        return f"only {prose} characters of prose among {total} of fragments ({FRAGMENTS})"
    return f"only {prose} characters of prose"


def _declared_type(doc: Document) -> str | None:
    pagetype = (doc.pagetype or "").lower()
    if pagetype in NON_ARTICLE_TYPES or pagetype.startswith(NON_ARTICLE_TYPE_PREFIXES):
        return f"declares itself a {pagetype}"
    return None


def _list_signal(doc: Document) -> str | None:
    total = len(doc.body.xpath("string()").strip())
    items = doc.body.xpath(".//item[not(ancestor::item)]")
    share = sum(len(item.xpath("string()").strip()) for item in items) / total if total else 1.0
    return f"{share:.0%} of its text is list items" if share > MAX_LIST_SHARE else None


def _link_signal(lines: list[str], tree: HtmlElement) -> str | None:
    links = {name_key(link.text_content()) for link in tree.iter("a")}
    links.discard("")
    keys = [name_key(line.removeprefix("- ")) for line in lines]
    total = sum(len(key) for key in keys) or 1
    share = sum(len(key) for key in keys if key in links) / total
    return f"{share:.0%} of its text is link titles" if share > MAX_LINKED_SHARE else None


def _card_signal(lines: list[str], tree: HtmlElement, url: str) -> str | None:
    # A listing's items are cards: each <li> links to another page of the site (trafilatura
    # often drops the linked headline and keeps the teaser). A list in an article rarely links
    # each item to the site's own pages (references and sources point elsewhere).
    items = [name_key(line[2:]) for line in lines if line.startswith("- ")]
    items = [item for item in items if len(item) >= MIN_CARD_KEY]
    if len(items) < MIN_CARDS:
        return None
    cards = [
        key for li in tree.iter("li") if _links_within_site(li, url)
        if (key := name_key(li.text_content()))
    ]  # fmt: skip
    linked = sum(1 for item in items if any(item in card for card in cards))
    share = linked / len(items)
    return f"{share:.0%} of its list items are link cards" if share > MAX_CARD_SHARE else None


def _links_within_site(element: HtmlElement, url: str) -> bool:
    page = urlsplit(url)
    for href in element.xpath(".//a/@href"):
        target = urlsplit(urljoin(url, href.strip()))
        if (target.scheme, target.hostname) == (page.scheme, page.hostname) and target.path not in (
            "", "/", page.path,
        ):  # fmt: skip
            return True
    return False
