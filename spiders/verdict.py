"""Cleaning: is a page one article? Independent signals must agree before a page trafilatura
extracts is turned away as a listing, video or error page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement
from trafilatura.settings import Document

from spiders.text import name_key

# Lines shorter than this are menu entries, buttons, captions and list bullets, not prose.
MIN_LINE_CHARS = 40
# Less prose than this outside lists is a sign of a video, gallery, stub, error or listing page.
MIN_BODY_CHARS = 200
# A page whose text is mostly short fragments around that little prose, the fragments mostly
# link titles (or too little text to be anything), is a menu and a caption: no article text at
# all, whatever else it says. Fragments that are not links are verse, lyrics or a short post.
MIN_PROSE_SHARE = 0.6
MAX_LINKED_FRAGMENTS = 0.5
NO_ARTICLE_TEXT = "no article text"
# A listing comes out as a list of cards, each linking to another page of the site; an article
# has at most a few such items. Real list-style and deals articles reach a list share of
# 0.6-0.7 with few same-site cards, and references lists point elsewhere.
MAX_LIST_SHARE = 0.5
MAX_CARD_SHARE = 0.6
MIN_CARDS = 5
MIN_CARD_KEY = 20
MAX_LINKED_SHARE = 0.5
SIGNALS_TO_REJECT = 2
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
    """An article unless it has no article text, or two independent signals say otherwise."""
    if doc is None or not doc.text:
        return Verdict(False, ("trafilatura found no main text",))
    lines = [line.strip() for line in doc.text.splitlines() if line.strip()]
    links = _link_keys(tree)
    if fragments := _fragments_only(lines, links):
        return Verdict(False, (fragments,))
    candidates = (
        _little_prose(lines),
        _declared_type(doc),
        _card_list(doc, lines, tree, url),
        _link_titles(lines, links),
    )
    signals = tuple(reason for reason in candidates if reason)
    return Verdict(len(signals) < SIGNALS_TO_REJECT, signals)


def _fragments_only(lines: list[str], links: set[str]) -> str | None:
    total = sum(len(line) for line in lines) or 1
    prose = sum(len(line) for line in lines if len(line) >= MIN_LINE_CHARS)
    if prose >= MIN_BODY_CHARS or prose / total >= MIN_PROSE_SHARE:
        return None
    fragments = [line for line in lines if len(line) < MIN_LINE_CHARS]
    linked = sum(len(line) for line in fragments if name_key(line.removeprefix("- ")) in links)
    if total >= MIN_BODY_CHARS and linked <= MAX_LINKED_FRAGMENTS * (total - prose):
        return None
    return (
        f"{NO_ARTICLE_TEXT}: {prose} characters of prose among {total} of fragments"
        f" ({linked} of them link titles)"
    )


def _little_prose(lines: list[str]) -> str | None:
    prose = sum(len(line) for line in lines if _is_prose(line))
    return f"only {prose} characters of prose outside lists" if prose < MIN_BODY_CHARS else None


def _declared_type(doc: Document) -> str | None:
    pagetype = (doc.pagetype or "").lower()
    if pagetype in NON_ARTICLE_TYPES or pagetype.startswith(NON_ARTICLE_TYPE_PREFIXES):
        return f"declares itself a {pagetype}"
    return None


def _card_list(doc: Document, lines: list[str], tree: HtmlElement, url: str) -> str | None:
    # A listing's items are cards: each <li> links to another page of the site (trafilatura
    # often drops the linked headline and keeps the teaser).
    if (share := _list_share(doc)) <= MAX_LIST_SHARE:
        return None
    items = [name_key(line[2:]) for line in lines if line.startswith("- ")]
    items = [item for item in items if len(item) >= MIN_CARD_KEY]
    if len(items) < MIN_CARDS:
        return None
    cards = [
        key for li in tree.iter("li") if _links_within_site(li, url)
        if (key := name_key(li.text_content()))
    ]  # fmt: skip
    linked = sum(1 for item in items if any(item in card for card in cards)) / len(items)
    if linked <= MAX_CARD_SHARE:
        return None
    return f"{share:.0%} of its text is list items, {linked:.0%} of them links to the site"


def _link_titles(lines: list[str], links: set[str]) -> str | None:
    keys = [name_key(line.removeprefix("- ")) for line in lines]
    total = sum(len(key) for key in keys) or 1
    share = sum(len(key) for key in keys if key in links) / total
    return f"{share:.0%} of its text is link titles" if share > MAX_LINKED_SHARE else None


def _link_keys(tree: HtmlElement) -> set[str]:
    # The text of every link on the page, compared as name keys.
    links = {name_key(link.text_content()) for link in tree.iter("a")}
    links.discard("")
    return links


def _list_share(doc: Document) -> float:
    total = len(doc.body.xpath("string()").strip())
    items = doc.body.xpath(".//item[not(ancestor::item)]")
    return sum(len(item.xpath("string()").strip()) for item in items) / total if total else 1.0


def _is_prose(line: str) -> bool:
    return len(line) >= MIN_LINE_CHARS and not line.startswith("- ")


def _links_within_site(element: HtmlElement, url: str) -> bool:
    page = urlsplit(url)
    for href in element.xpath(".//a/@href"):
        target = urlsplit(urljoin(url, href.strip()))
        if (target.scheme, target.hostname) == (page.scheme, page.hostname) and target.path not in (
            "", "/", page.path,
        ):  # fmt: skip
            return True
    return False
