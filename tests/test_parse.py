"""spiders.parse builds the tree and reads the metadata as trafilatura's own functions do."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from lxml.html import FormElement, HtmlElement, InputElement
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from spiders.extract import MARKUP_DATE
from spiders.parse import load_page, read_metadata

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.html"))
# Inputs trafilatura's loader treats specially: bytes in another encoding, an XML declaration
# (lxml refuses it in a str), a self-closed <html/>, a fragment, and no HTML at all.
ODD_INPUTS: list[str | bytes] = [
    "<html><body><p>Grüße aus Köln</p></body></html>".encode("latin-1"),
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared</p></body></html>',
    "<!DOCTYPE html/>\n<html/><body><p>self-closed</p></body>",
    "<p>a fragment alone</p>",
    "just some text, no markup",
    b"\xef\xbb\xbf<html><head><title>BOM</title></head><body><p>x</p></body></html>",
]


@pytest.mark.parametrize("html", [*(p.read_bytes() for p in PAGES), *ODD_INPUTS])
def test_load_page_builds_trafilaturas_tree(html: str | bytes) -> None:
    ours, theirs = load_page(html), load_html(html)
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_load_page_gives_lxml_html_element_classes() -> None:
    tree = load_page("<html><body><form><input name='q'></form><p>text</p></body></html>")
    assert tree is not None
    assert isinstance(tree.find(".//form"), FormElement)
    assert isinstance(tree.find(".//input"), InputElement)
    paragraph = tree.find(".//p")
    assert isinstance(paragraph, HtmlElement) and paragraph.text_content() == "text"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_read_metadata_reads_what_extract_metadata_reads(path: Path) -> None:
    url = f"https://example.org/news/{path.stem}"
    tree = load_page(path.read_bytes())
    assert tree is not None
    ours = read_metadata(tree, url, dict(MARKUP_DATE))
    theirs = extract_metadata(load_html(path.read_bytes()), url, dict(MARKUP_DATE))
    fields = ("title", "author", "url", "hostname", "description", "sitename", "date",
              "pagetype", "image", "id", "fingerprint", "filedate")  # fmt: skip
    assert {f: getattr(ours, f) for f in fields} == {f: getattr(theirs, f) for f in fields}
