"""Cleaning: what a page says about itself (JSON-LD article node, <meta> tags, <h1>), read once."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html import unescape
from types import MappingProxyType
from typing import Any

from lxml.html import HtmlElement, fromstring

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "blogposting",
        "liveblogposting", "socialmediaposting", "scholarlyarticle", "techarticle", "report",
    }
)  # fmt: skip
# An author of these types is the outlet or an agency, never a person to credit by name.
ORGANIZATION_TYPES = frozenset(
    {"organization", "newsmediaorganization", "corporation", "newsagency", "website"}
)
# Some CMSs wrap JSON-LD in HTML comments or CDATA markers, which json.loads rejects.
# Tags that end a paragraph, where articleBody holds HTML.
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|h[1-6]|blockquote|section)\b[^>]*>", re.IGNORECASE)
_JSON_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?://\s*\]\]>|-->)\s*$")


@dataclass(frozen=True)
class PageFacts:
    """Title, date, author and outlet candidates a page declares, before any choice is made."""

    headline: str | None = None  # JSON-LD headline
    published: str | None = None  # JSON-LD datePublished, as written
    modified: str | None = None  # JSON-LD dateModified, as written
    people: tuple[str, ...] = ()  # JSON-LD authors that are not organisations, as written
    site_names: tuple[str, ...] = ()  # og:site_name, JSON-LD publisher and WebSite names
    h1s: tuple[str, ...] = ()
    title_tag: str | None = None
    meta: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    json_ld_article: bool = False  # a JSON-LD node of an article type is on the page
    body: str | None = None  # JSON-LD articleBody: plain text, one paragraph a line

    def first_meta(self, *keys: str) -> str | None:
        """The first non-empty <meta> content under any of these lower-case names."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return value.strip()
        return None


def read_facts(tree: HtmlElement) -> PageFacts:
    """Collect a page's self-description from its JSON-LD, <meta> tags, <title> and <h1>s."""
    nodes = list(_json_ld_nodes(tree))
    index = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    article = next((node for node in nodes if _types(node) & ARTICLE_TYPES), {})
    meta = _meta_tags(tree)
    return PageFacts(
        headline=_text(article.get("headline")),
        published=_text(article.get("datePublished")),
        modified=_text(article.get("dateModified")),
        people=tuple(_people(article.get("author"), index)),
        site_names=tuple(_site_names(meta, article, nodes, index)),
        h1s=tuple(t for t in (_flat(h1.text_content()) for h1 in tree.iter("h1")) if t),
        title_tag=_flat(tree.findtext(".//title") or "") or None,
        meta=MappingProxyType(meta),
        json_ld_article=bool(article),
        body=_body(article.get("articleBody")),
    )


def _json_ld_nodes(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        source = _JSON_WRAPPER.sub("", script.text or "")
        try:
            data = json.loads(source, strict=False)
        except ValueError:  # a broken block must not hide the others
            continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            yield from _flatten(item.get("@graph", []))


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", ())
    return {t.lower() for t in ([value] if isinstance(value, str) else value) if isinstance(t, str)}


def _resolve(value: Any, index: Mapping[str, dict[str, Any]]) -> Any:
    # Yoast and other graph builders put {"@id": …} references where the object belongs.
    if isinstance(value, dict) and isinstance(value.get("@id"), str):
        return {**index.get(value["@id"], {}), **value}
    return value


def _people(value: Any, index: Mapping[str, dict[str, Any]]) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, index)
        if isinstance(item, str):
            yield unescape(item)
        elif isinstance(item, dict) and not _types(item) & ORGANIZATION_TYPES:
            name = item.get("name")
            if isinstance(name, list):
                name = ", ".join(n for n in name if isinstance(n, str))
            if not name:
                name = " ".join(str(item[k]) for k in ("givenName", "familyName") if k in item)
            if isinstance(name, str) and name.strip():
                yield unescape(name)


def _site_names(
    meta: Mapping[str, tuple[str, ...]],
    article: dict[str, Any],
    nodes: list[dict[str, Any]],
    index: Mapping[str, dict[str, Any]],
) -> Iterator[str]:
    yield from meta.get("og:site_name", ())
    yield from meta.get("application-name", ())
    publisher = _resolve(article.get("publisher"), index)
    if isinstance(publisher, dict):
        yield from _strings(publisher.get("name"))
    for node in nodes:
        if _types(node) & ORGANIZATION_TYPES:
            yield from _strings(node.get("name"))


def _meta_tags(tree: HtmlElement) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for element in tree.xpath("//meta[@content]"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), []).append(element.get("content", ""))
    return {key: tuple(values) for key, values in found.items()}


def _strings(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            yield item.strip()


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next(iter(value), None)
    if not isinstance(value, str):
        return None
    # JSON-LD is often written by templates that HTML-escape it a second time.
    return _flat(unescape(value)) or None


def _body(value: Any) -> str | None:
    if isinstance(value, list):
        value = "\n".join(item for item in value if isinstance(item, str))
    if not isinstance(value, str) or not value.strip():
        return None
    text = unescape(value)
    if "<" in text:  # some CMSs put the body's HTML here: keep its text, a paragraph a line
        text = fromstring(f"<div>{_BLOCK_TAG.sub(chr(10), text)}</div>").text_content()
    lines = (_flat(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


def _flat(text: str) -> str:
    return " ".join(text.split())
