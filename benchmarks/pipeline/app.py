"""The app-style article page: hashed CSS-in-JS class names, appeals inside the body stream."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from benchmarks.pipeline.chrome import (
    NEWSLETTER_SENTENCES,
    Chrome,
    Link,
    css_class,
    donation_sentences,
    newsletter_name,
    slugify,
    to_json,
)  # fmt: skip

if TYPE_CHECKING:
    from benchmarks.pipeline.pages import ArticleView

_FOOTER = ("About", "Contact", "Careers", "Privacy", "Terms", "Accessibility", "Help")
# Where the appeals sit in the body: after the second paragraph, and after the fifth.
DONATION_AT, NEWSLETTER_AT = 2, 5


def app_page(chrome: Chrome, head_html: str, view: ArticleView) -> str:
    """A whole app-style document: nothing on it names what a block is, only hashed classes."""
    c = _classes(chrome.key)
    state = {"props": {"pageProps": {"id": view.path, "section": view.section}}}
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">{head_html}<body><div id="root">'
        f'<div class="{c("shell")}"><div class="{c("consent")}">We use cookies to improve your '
        f'experience. <button class="{c("consent-ok")}">OK</button></div>{_top(chrome)}'
        f'<main class="{c("main")}"><div class="{c("story")}">{_story_head(chrome, view)}'
        f'<div class="{c("body")}">{"".join(_body(chrome, view))}</div></div>'
        f"{_list(chrome, 'related', view.related)}{_list(chrome, 'more', view.more)}"
        f"{_list(chrome, 'rail', chrome.most_read)}</main>{_bottom(chrome)}</div></div>"
        f'<script id="__NEXT_DATA__" type="application/json">{to_json(state)}</script>'
        "</body></html>"
    )


def _classes(key: str) -> Callable[[str], str]:
    return lambda component: css_class(key, component)


def _top(chrome: Chrome) -> str:
    c = _classes(chrome.key)
    links = "".join(
        f'<a class="{c("nav-link")}" href="/{chrome.key}/section/{s}/">{s.title()}</a>'
        for s in chrome.sections
    )
    return (
        f'<header class="{c("top")}"><a class="{c("brand")}" href="/{chrome.key}/">'
        f'{escape(chrome.name)}</a><nav class="{c("nav")}">{links}</nav><a class="{c("account")}"'
        f' href="/{chrome.key}/account">Sign in</a></header>'
    )


def _story_head(chrome: Chrome, view: ArticleView) -> str:
    c = _classes(chrome.key)
    return (
        f'<div class="{c("kicker")}">{view.section}</div><h1 class="{c("headline")}">'
        f'{escape(view.title)}</h1><div class="{c("dek")}">{escape(view.dek)}</div>'
        f'<div class="{c("byline")}"><span>By <a href="/{chrome.key}/author/'
        f'{slugify(view.author)}">{escape(view.author)}</a></span><span class="{c("dot")}"> · '
        f'</span><time class="{c("time")}" datetime="{view.published.isoformat()}">'
        f'{view.published:%d %b %Y}</time></div><div class="{c("media")}"><img src="/'
        f'{chrome.key}/img/{slugify(view.title)}.jpg" alt=""><span class="{c("caption")}">'
        f"File photo</span></div>"
    )


def _body(chrome: Chrome, view: ArticleView) -> list[str]:
    # The appeals look like the prose around them: a <p> with the paragraph class, a "button"
    # that is a div, a link reading "here". Only their recurrence gives them away.
    c = _classes(chrome.key)
    parts = [f'<p class="{c("paragraph")}">{escape(p)}</p>' for p in view.paragraphs]
    first, *rest = donation_sentences(chrome)
    donation = (
        f'<div class="{c("inline-a")}"><p class="{c("paragraph")}">{escape(first)}</p>'
        f'<p class="{c("paragraph")}">{escape(" ".join(rest))}</p><div role="button" '
        f'tabindex="0" class="{c("pill")}">Chip in</div></div>'
    )
    newsletter = (
        f'<div class="{c("inline-b")}"><p class="{c("paragraph")}">'
        f'{escape(" ".join(NEWSLETTER_SENTENCES))} <a class="{c("link")}" href="/{chrome.key}/'
        f'briefing">Get {newsletter_name(chrome)} here</a>.</p></div>'
    )
    parts.insert(min(NEWSLETTER_AT, len(parts)), newsletter)
    parts.insert(min(DONATION_AT, len(parts)), donation)
    return parts


def _list(chrome: Chrome, name: str, links: tuple[Link, ...]) -> str:
    c = _classes(chrome.key)
    items = "".join(
        f'<div class="{c(name + "-item")}"><a href="{path}">{escape(title)}</a></div>'
        for title, path, _ in links
    )
    return f'<div class="{c(name)}">{items}</div>'


def _bottom(chrome: Chrome) -> str:
    c = _classes(chrome.key)
    links = "".join(f'<a href="/{chrome.key}/{slugify(name)}">{name}</a>' for name in _FOOTER)
    return (
        f'<footer class="{c("bottom")}"><div class="{c("bottom-links")}">{links}</div>'
        f"<div>© {chrome.year} {escape(chrome.name)}</div></footer>"
    )
