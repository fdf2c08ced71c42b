"""Cleaning: a page parsed once for every step, and trafilatura's metadata read once per page."""

from __future__ import annotations

import logging
from functools import cache

from courlan import extract_domain
from htmldate import find_date
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

LOGGER = logging.getLogger(__name__)


@cache
def _parser() -> HTMLParser:
    # trafilatura's own parser settings, with lxml.html's element classes looked up in C: its
    # Python lookup runs for every element proxy lxml creates, ~10% of a page's cleaning.
    # Same classes for the same (lower-case) tags: FormElement for <form>, HtmlElement else.
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8",
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )  # fmt: skip
    )
    classes = lookup.get_namespace(None)
    classes.update(HtmlElementClassLookup._default_element_classes)
    parser.set_element_class_lookup(lookup)
    return parser


def load_page(html: str | bytes) -> HtmlElement | None:
    """The page's tree as trafilatura.load_html builds it (same decoding, repairs and checks)."""
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree: HtmlElement | None = None
    from_bytes = False
    try:
        tree = fromstring(text, parser=_parser())
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _from_bytes(text), True
    except Exception as err:  # what trafilatura tolerates, so do we
        LOGGER.error("lxml parsing failed: %s", err)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        return None  # not (well-formed) HTML at all
    return tree


def _from_bytes(text: str) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=_parser())
    except Exception as err:
        LOGGER.error("lxml parser bytestring %s", err)
    return None


def read_metadata(tree: HtmlElement, url: str, date_params: dict[str, object]) -> Document:
    """trafilatura's extract_metadata up to the site name: what cleaning reads of it.

    The same steps in the same order, without the categories, tags and license cleaning
    never reads (~5% of a page's cleaning); the tree is only read."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as err:  # trafilatura's guard around its JSON-LD reader
        LOGGER.warning("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    metadata.date = find_date(tree, **{**date_params, "url": metadata.url})
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")  # a Twitter handle
        name = metadata.sitename
        if name and "." not in name and not name[0].isupper():
            metadata.sitename = name.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.filedate = date_params.get("max_date")
    metadata.clean_and_trim()
    return metadata
