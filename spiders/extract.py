"""Cleaning: a fetched page becomes clean article text and metadata (sole trafilatura user)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document
from trafilatura.utils import LANGID_FLAG, language_classifier

# Fewer body characters than this is a video, gallery, stub or error page, not an article.
# Only lines of at least MIN_LINE_CHARS count: on thin pages trafilatura falls back to recall
# mode and returns menu entries, buttons and captions, which must not make up the difference.
MIN_BODY_CHARS = 200
MIN_LINE_CHARS = 40
# A section or listing page comes out as a list of teasers; an article has at most a few
# bullet points among its paragraphs.
MAX_LIST_SHARE = 0.5
# Page types a page declares (og:type or JSON-LD @type) that are never a single article.
# "website" is left out on purpose: some CMSs put it on every page, articles included.
NON_ARTICLE_TYPES = frozenset(
    {"collectionpage", "searchresultspage", "profilepage", "itemlist", "aboutpage", "contactpage"}
)
NON_ARTICLE_TYPE_PREFIXES = ("video", "music", "profile", "book")

# Blocks trafilatura keeps because they sit inside the article container and read like prose:
# donation appeals, premium and newsletter upsells, related-article lists. Matched on class, id
# and data-component; <article>/<main> are exempt so a "promo-enabled" wrapper cannot take the
# whole story with it.
_BOILERPLATE_MARKERS = (
    "donat", "support-us", "contribut", "appeal", "upsell", "bookmark", "paywall",
    "newsletter", "signup", "sign-up", "promo", "related", "recommended", "most-popular",
)  # fmt: skip
_LOWER = (
    "translate(concat(@class, ' ', @id, ' ', @data-component),"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
)
BOILERPLATE_XPATH = (
    "//*[not(self::html or self::body or self::main or self::article)]["
    + " or ".join(f"contains({_LOWER}, '{marker}')" for marker in _BOILERPLATE_MARKERS)
    + "]"
)

DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    # The default extensive search guesses dates from any text on the page, e.g. 2024-01-01
    # from a "© 2024" footer; a missing date is better than a wrong one.
    "extensive_search": False,
    # A date in the URL has day granularity only: let datePublished and meta tags win.
    "deferred_url_extractor": True,
}

_TITLE_SUFFIX = re.compile(r"^(?P<head>.+?)\s+[|\-–—]\s+(?P<site>[^|\-–—]+)$")
_LANG_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//head/meta[translate(@http-equiv, 'CONTEGUAL', 'contegual')='content-language']/@content",
    "//head/meta[@property='og:locale']/@content",
)


@dataclass(frozen=True)
class CleanPage:
    """An article page reduced to the fields the pipeline stores."""

    canonical_url: str | None
    title: str
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str


def clean_page(html: str | bytes, url: str) -> CleanPage | None:
    """Extract the article of a page, or None when the page is not a single article."""
    tree = load_html(html)
    if tree is None:
        return None
    doc = _extract(tree, url)
    if doc is None or not doc.title or not _is_article(doc):
        return None
    title = _strip_site_suffix(doc.title, doc.sitename)
    text = _drop_title_line(doc.text or "", title)
    return CleanPage(
        canonical_url=_canonical_url(tree, url),
        title=title,
        author=doc.author or None,
        published_at=_parse_date(doc.date),
        language=_language(tree, text),
        text=text,
    )


def _extract(tree: HtmlElement, url: str) -> Document | None:
    # Default (balanced) mode: favor_precision gave identical text on the fixtures and costs
    # time on big pages; fast=True skips the fallback extractors that rescue odd layouts.
    return bare_extraction(
        tree,
        url=url,
        include_comments=False,
        with_metadata=True,
        date_extraction_params=dict(DATE_PARAMS),
        prune_xpath=BOILERPLATE_XPATH,
    )


def _is_article(doc: Document) -> bool:
    pagetype = (doc.pagetype or "").lower()
    if pagetype in NON_ARTICLE_TYPES or pagetype.startswith(NON_ARTICLE_TYPE_PREFIXES):
        return False
    lines = (doc.text or "").splitlines()
    if sum(len(line) for line in lines if len(line) >= MIN_LINE_CHARS) < MIN_BODY_CHARS:
        return False
    return _list_share(doc) <= MAX_LIST_SHARE


def _list_share(doc: Document) -> float:
    total = len(doc.body.xpath("string()").strip())
    if not total:
        return 1.0
    items = doc.body.xpath(".//item[not(ancestor::item)]")
    return sum(len(item.xpath("string()").strip()) for item in items) / total


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    match = _TITLE_SUFFIX.match(title.strip())
    if match and sitename and match["site"].strip().casefold() == sitename.strip().casefold():
        return match["head"].strip()
    return title.strip()


def _drop_title_line(text: str, title: str) -> str:
    # Some CMSs put the <h1> inside the article container, so it opens the extracted text.
    lines = text.strip().splitlines()
    if lines and lines[0].strip() == title:
        lines = lines[1:]
    return "\n".join(line.strip() for line in lines if line.strip())


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    # A date-only or zone-less value carries no offset: read it as UTC (midnight for a date).
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _canonical_url(tree: HtmlElement, url: str) -> str | None:
    for xpath in (
        "//head/link[@rel='canonical']/@href",
        "//head/meta[@property='og:url']/@content",
    ):
        for value in tree.xpath(xpath):
            if value.strip():
                return urljoin(url, value.strip())
    return None


def _language(tree: HtmlElement, text: str) -> str | None:
    for xpath in _LANG_XPATHS:
        for value in tree.xpath(xpath):
            code = re.split(r"[-_]", value.strip())[0].lower()
            if code.isalpha() and 2 <= len(code) <= 3:
                return code
    # The detector (py3langid) is an optional trafilatura extra; without it we say None.
    return language_classifier(text, "") if LANGID_FLAG and text else None
