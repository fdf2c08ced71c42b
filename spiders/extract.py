"""Cleaning: a fetched page becomes clean article text and metadata (sole trafilatura user)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document
from trafilatura.utils import LANGID_FLAG, language_classifier

from spiders.authors import clean_authors
from spiders.boilerplate import PRUNE_XPATHS, is_furniture_line, mark_boilerplate
from spiders.dates import publish_time, update_time
from spiders.excludes import compile_excludes, drop_excluded
from spiders.headline import choose_headline, name_key, site_keys, strip_site
from spiders.structured import PageFacts, read_facts

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
AUTHOR_META = ("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator")

DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    # The default extensive search guesses dates from any text on the page, e.g. 2024-01-01
    # from a "© 2024" footer; a missing date is better than a wrong one.
    "extensive_search": False,
    # A date in the URL has day granularity only: let datePublished and meta tags win.
    "deferred_url_extractor": True,
}

_LANG_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//head/meta[translate(@http-equiv, 'CONTEGUAL', 'contegual')='content-language']/@content",
    "//head/meta[@property='og:locale']/@content",
)
# A short line opening with "By"/"Von" after the <h1>: the byline, when nothing else names one.
_BYLINE_XPATH = (
    "(//h1/following::*[string-length(normalize-space(text())) < 100]"
    "[starts-with(normalize-space(text()), 'By ') or starts-with(normalize-space(text()), 'Von ')]"
    ")[1]/text()[1]"
)


@dataclass(frozen=True)
class CleanPage:
    """An article page reduced to the fields the pipeline stores."""

    canonical_url: str | None
    title: str
    author: str | None  # the authors joined with ", ": what storage keeps today
    published_at: datetime | None  # UTC
    language: str | None
    text: str
    published_source: str | None = None  # "json-ld", "meta", "feed", "url" or "page"
    modified_at: datetime | None = None  # UTC, from JSON-LD dateModified or meta tags
    authors: tuple[str, ...] = ()  # person names only, in byline order


def clean_page(
    html: str | bytes,
    url: str,
    *,
    feed_published: datetime | None = None,
    zone: tzinfo = UTC,
    exclude: Iterable[str | etree.XPath] = (),
) -> CleanPage | None:
    """Extract the article of a page, or None when the page is not a single article.

    feed_published is the date a feed or sitemap gave for the URL; it is used (source "feed")
    when the page's JSON-LD and meta tags carry no publish date. `zone` is the outlet's time
    zone, for dates the page writes without an offset. `exclude` holds the outlet's CSS/XPath
    selectors of elements to cut first: compiled ones (spiders.excludes) or strings, which
    are compiled on every call and raise ExcludeError when invalid.
    """
    excludes = compile_excludes(exclude)
    tree = load_html(html)
    if tree is None:
        return None
    # Before anything reads the page: an excluded block's headline or byline must not count.
    drop_excluded(tree, excludes)
    facts = read_facts(tree)
    mark_boilerplate(tree)
    doc = _extract(tree, url)
    if doc is None or not _is_article(doc):
        return None
    canonical = _canonical_url(tree, url)
    keys = site_keys((*facts.site_names, doc.sitename), canonical or url)
    title = _headline(facts, keys, fallback=doc.title)
    if not title:
        return None
    text = _clean_text(doc.text or "", title)
    published, source = publish_time(
        json_ld=facts.published, meta=facts.meta, feed=feed_published,
        url=canonical or url, page=doc.date, zone=zone,
    )  # fmt: skip
    authors = _authors(tree, facts, doc, keys)
    return CleanPage(
        canonical_url=canonical,
        title=title,
        author=", ".join(authors) or None,
        published_at=published,
        language=_language(tree, text),
        text=text,
        published_source=source,
        modified_at=update_time(json_ld=facts.modified, meta=facts.meta, zone=zone),
        authors=authors,
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
        prune_xpath=list(PRUNE_XPATHS),
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


def _headline(facts: PageFacts, keys: frozenset[str], fallback: str | None) -> str | None:
    structured = (facts.headline, facts.first_meta("og:title"), facts.first_meta("twitter:title"))
    chosen = choose_headline(structured, facts.h1s, facts.title_tag, keys)
    # trafilatura's own guess (itemprop headline, title classes…) when the page names none.
    return chosen or (strip_site(fallback, keys) if fallback else None)


def _clean_text(text: str, title: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # Some CMSs put the <h1> inside the article container, so it opens the extracted text.
    if lines and name_key(lines[0]) == name_key(title):
        lines = lines[1:]
    return "\n".join(line for line in lines if not is_furniture_line(line))


def _authors(
    tree: HtmlElement, facts: PageFacts, doc: Document, keys: frozenset[str]
) -> tuple[str, ...]:
    # JSON-LD names people explicitly; meta tags and trafilatura's byline guess come after.
    sources = (
        lambda: facts.people,
        lambda: [value for key in AUTHOR_META for value in facts.meta.get(key, ())],
        lambda: (doc.author or "").split(";"),
        lambda: tree.xpath(_BYLINE_XPATH),
    )
    for source in sources:
        if authors := clean_authors(source(), keys):
            return authors
    return ()


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
