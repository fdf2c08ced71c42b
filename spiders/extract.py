"""Cleaning: a fetched page becomes clean article text and metadata (with spiders.parse, the
only trafilatura user)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import urljoin

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document

from spiders.authors import clean_authors, credit_links, handles
from spiders.byline import byline_date, labelled_date
from spiders.dates import copyright_guess, publish_time, update_time
from spiders.excludes import compile_excludes, drop_excluded
from spiders.headline import choose_headline, site_keys, strip_site
from spiders.language import detect
from spiders.limits import check_tree_size
from spiders.parse import load_page, read_metadata
from spiders.refine import Refined, refine
from spiders.region import country_zones, page_country
from spiders.structured import PageFacts, read_facts
from spiders.text import name_key
from spiders.verdict import Verdict, judge

AUTHOR_META = ("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator")
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# htmldate reads the page's date markup only; its search of the page text is the last resort
# (spiders.dates), and the URL and feed dates are separate votes.
MARKUP_DATE = {
    "outputformat": DATE_FORMAT, "original_date": True, "extensive_search": False,
    "deferred_url_extractor": True,  # trafilatura hands htmldate the URL: markup first
}  # fmt: skip
TEXT_DATE = {"outputformat": DATE_FORMAT, "original_date": True, "extensive_search": True}
# Under this many characters trafilatura's precise reading may have kept a slogan or a teaser
# instead of the article: its recall mode is asked too, and wins when it finds far more.
SHORT_TEXT_CHARS = 1000
FAR_MORE = 1.5
# The page's JSON-LD articleBody replaces trafilatura's text when it holds at least this many
# words and twice trafilatura's: the article rendered by script, or behind a teaser.
MIN_BODY_WORDS = 100

_LANG_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//head/meta[translate(@http-equiv, 'CONTEGUAL', 'contegual')='content-language']/@content",
    "//head/meta[@property='og:locale']/@content",
)
_REGION = re.compile(r"[A-Za-z]{2}|[0-9]{3}")  # ISO 3166 or UN M.49, as in en-GB, es-419
# A short line opening with "By", "Von", "Por"… after the <h1>: the byline, when nothing else
# names one.
_BYLINE_XPATH = (
    "((//h1)[1]/following::*[string-length(normalize-space(text())) < 100]["
    + " or ".join(
        f"starts-with(normalize-space(text()), '{opening} ')"
        for opening in ("By", "by", "BY", "Von", "von", "Por", "Par", "Text von", "Text:")
    )
    + "])[1]/text()[1]"
)


@dataclass(frozen=True)
class CleanPage:
    """An article page reduced to the fields the pipeline stores."""

    canonical_url: str | None
    title: str
    author: str | None  # the authors joined with ", ": what storage keeps today
    published_at: datetime | None  # aware, in the offset the source wrote it with
    language: str | None
    text: str
    published_source: str | None = None  # one of spiders.dates.SOURCES
    modified_at: datetime | None = None  # aware, from JSON-LD dateModified or meta tags
    authors: tuple[str, ...] = ()  # person names only, in byline order


@dataclass(frozen=True)
class Explanation:
    """How cleaning reached its result: the article verdict and what refining removed."""

    verdict: Verdict
    refined: Refined | None = None


def clean_page(
    html: str | bytes,
    url: str,
    *,
    feed_published: datetime | None = None,
    zone: tzinfo | None = None,
    exclude: Iterable[str | etree.XPath] = (),
) -> CleanPage | None:
    """Extract the article of a page, or None when the page is not a single article.

    feed_published is the date a feed or sitemap gave for the URL (a vote on the publish
    day). `zone` is the outlet's configured time zone, for dates the page writes without an
    offset or in UTC; without one, the zones of the country the page's domain or locale names.
    `exclude` holds the outlet's CSS/XPath selectors of elements to cut first: compiled ones
    (spiders.excludes) or strings, compiled on every call (ExcludeError when invalid).
    """
    return explain_page(html, url, feed_published=feed_published, zone=zone, exclude=exclude)[0]


def explain_page(
    html: str | bytes,
    url: str,
    *,
    feed_published: datetime | None = None,
    zone: tzinfo | None = None,
    exclude: Iterable[str | etree.XPath] = (),
) -> tuple[CleanPage | None, Explanation | None]:
    """clean_page's result with the reasons behind it (None for an unparseable page).

    Raises spiders.limits.TreeTooLarge for a page of more elements than any article has."""
    excludes = compile_excludes(exclude)
    tree = load_page(html)
    if tree is None:
        return None, None
    # count() makes no element objects: the limit costs nothing on a normal page.
    check_tree_size(int(tree.xpath("count(//*)")))  # before any work that grows with the tree
    # Before anything reads the page: an excluded block's headline or byline must not count.
    drop_excluded(tree, excludes)
    facts = read_facts(tree)
    doc = _extract(tree, url, facts.h1s)
    if doc is not None and _body_is_fuller(facts.body, doc.text):
        doc.text = facts.body  # what every later step (verdict, refine) reads as the text
    verdict = judge(doc, tree, url)
    if doc is None or not verdict.is_article:
        return None, Explanation(verdict)
    canonical = _canonical_url(tree, url)
    keys = site_keys((*facts.site_names, doc.sitename), canonical or url)
    title = _headline(facts, keys, fallback=doc.title)
    if not title:
        return None, Explanation(verdict)
    refined = refine(tree, doc.text or "", title, canonical or url)
    authors = _authors(tree, facts, doc, keys)
    country = () if zone else country_zones(page_country(canonical or url, tree))
    published, source = publish_time(
        url=canonical or url, feed=feed_published, markup=doc.date, json_ld=facts.published,
        meta=facts.meta, byline=byline_date(tree), label=lambda: labelled_date(tree),
        page=lambda: _text_date(tree), zone=zone, country=country,
    )  # fmt: skip
    page = CleanPage(
        canonical_url=canonical,
        title=_nfc(title),
        author=", ".join(authors) or None,
        published_at=published,
        language=_language(tree, refined.text),
        text=_nfc(refined.text),
        published_source=source,
        modified_at=update_time(
            json_ld=facts.modified, meta=facts.meta, zone=zone, country=country
        ),
        authors=authors,
    )
    return page, Explanation(verdict, refined)


def _nfc(text: str) -> str:
    # One spelling of "é" (composed), whatever the page used: the same words hash, match and
    # fingerprint alike, and a page re-encoded by its CMS is not a new version.
    return unicodedata.normalize("NFC", text)


def _extract(tree: HtmlElement, url: str, h1s: tuple[str, ...] = ()) -> Document | None:
    # trafilatura's own best setting is the floor: newswatch only removes lines from its text
    # afterwards (spiders.refine), never prunes the tree it extracts from.
    doc = _trafilatura(tree, url)
    found = len(doc.text or "") if doc is not None else 0
    if found < SHORT_TEXT_CHARS:
        doc = _fuller(doc, _trafilatura(tree, url, favor_recall=True), found, h1s)
    if doc is None:
        return None
    # The metadata does not depend on the mode: read once, for the text that won.
    metadata = read_metadata(tree, url, dict(MARKUP_DATE))
    metadata.text, metadata.raw_text, metadata.body = doc.text, doc.raw_text, doc.body
    return metadata


def _fuller(
    doc: Document | None, recall: Document | None, found: int, h1s: tuple[str, ...]
) -> Document | None:
    # The recall reading wins when it finds far more, or when the precise one flattened a
    # short story into one line, headline and byline first (recall keeps the paragraphs, each
    # for refine to judge).
    if recall is None:
        return doc
    if len(recall.text or "") > FAR_MORE * found:
        return recall
    flat = doc is not None and _flattened(doc.text, h1s)
    return recall if flat and not _flattened(recall.text, h1s) else doc


def _flattened(text: str | None, h1s: tuple[str, ...]) -> bool:
    lines = (text or "").strip().splitlines()
    if len(lines) != 1:
        return False
    first = name_key(lines[0])
    return any(first.startswith(key) and first != key for key in map(name_key, h1s) if key)


def _trafilatura(tree: HtmlElement, url: str, *, favor_recall: bool = False) -> Document | None:
    # bare_extraction works on its own copy of the tree (and with_metadata would not change the
    # text: the URL is always given).
    return bare_extraction(
        tree, url=url, include_comments=False, with_metadata=False, favor_recall=favor_recall,
    )  # fmt: skip


def _body_is_fuller(body: str | None, text: str | None) -> bool:
    words, found = len((body or "").split()), len((text or "").split())
    return words >= MIN_BODY_WORDS and words >= 2 * found


def _text_date(tree: HtmlElement) -> str | None:
    found = find_date(tree, **TEXT_DATE)
    if found and copyright_guess(datetime.fromisoformat(found).date(), tree.text_content()):
        return None  # "© 2024" in a footer is not a publish date
    return found


def _headline(facts: PageFacts, keys: frozenset[str], fallback: str | None) -> str | None:
    structured = (facts.headline, facts.first_meta("og:title"), facts.first_meta("twitter:title"))
    chosen = choose_headline(structured, facts.h1s, facts.title_tag, keys)
    # trafilatura's own guess (itemprop headline, title classes…) when the page names none.
    return chosen or (strip_site(fallback, keys) if fallback else None)


def _authors(
    tree: HtmlElement, facts: PageFacts, doc: Document, keys: frozenset[str]
) -> tuple[str, ...]:
    # JSON-LD names people explicitly; meta tags and trafilatura's byline guess come after.
    sources = (
        lambda: facts.people,
        lambda: [value for key in AUTHOR_META for value in facts.meta.get(key, ())],
        lambda: (doc.author or "").split(";"),
        lambda: tree.xpath(_BYLINE_XPATH),
        lambda: credit_links(tree),
    )
    read: list[list[str]] = []  # each source's credits, read once
    for source in sources:
        read.append(list(source()))
        if authors := clean_authors(read[-1], keys):
            return authors
    # A personal site or an organisation's own page credits itself: the site's own name is its
    # author when no other credit names anyone.
    for credits in read:
        if authors := clean_authors(credits, frozenset()):
            return authors
    # No credit reads as a person's name: an author link's handle ("gnaddrig", as the page
    # writes it) or trafilatura's own byline (a handle, a desk) beats nothing.
    names = (" ".join(name.split()) for name in (doc.author or "").split(";"))
    return handles(read[-1]) or tuple(name for name in names if name)  # read[-1]: author links


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
            if tag := _language_tag(value):
                return tag
    return detect(text)  # nothing declared: the text says it


def _language_tag(value: str) -> str | None:
    # The language and, when declared, its region ("pt-BR" from "pt_br"): lang:pt-BR can then
    # match, and lang:pt still takes it. Script and other subtags are dropped.
    code, *rest = re.split(r"[-_]", value.strip())
    if not (code.isalpha() and code.isascii() and 2 <= len(code) <= 3):
        return None
    if rest and len(rest[0]) == 4:  # a script (zh-Hant-TW): the region follows it
        rest = rest[1:]
    region = rest[0].upper() if rest and _REGION.fullmatch(rest[0]) else None
    return f"{code.lower()}-{region}" if region else code.lower()
