"""HTML of the benchmark site: article pages in three layouts, and section pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from benchmarks.pipeline.app import app_page
from benchmarks.pipeline.chrome import (
    Chrome,
    Link,
    ad_slot,
    appeals,
    head,
    most_read,
    page,
    share_tools,
    slugify,
    to_json,
)  # fmt: skip


@dataclass(frozen=True)
class ArticleView:
    """One article as rendered."""

    path: str
    section: str
    title: str
    dek: str
    author: str
    published: datetime
    modified: datetime
    paragraphs: tuple[str, ...]
    related: tuple[Link, ...]  # hand-picked related stories
    more: tuple[Link, ...]  # the "more from this section" grid
    comments: tuple[tuple[str, str], ...]


def article_html(chrome: Chrome, view: ArticleView) -> str:
    """The full article page in the outlet's layout."""
    head_html = head(chrome, view.title, view.path, "article", _meta(chrome, view))
    if chrome.layout == "app":
        return app_page(chrome, head_html, view)
    main = _classic_main(chrome, view) if chrome.layout == "classic" else _modern_main(chrome, view)
    return page(chrome, head_html, main)


def section_html(chrome: Chrome, section: str, teasers: list[Link]) -> str:
    """A section front listing every teaser given (newest first)."""
    items = "".join(
        f'<li class="teaser"><h2><a href="{path}">{escape(title)}</a></h2>'
        f"<p>{escape(teaser)}</p></li>\n"
        for title, path, teaser in teasers
    )
    main = (
        f'<section class="section-front"><h1>{escape(section.title())}</h1>'
        f'<p class="section-intro">The latest {section} news from our reporters.</p>'
        f'<ul class="teasers">\n{items}</ul></section>'
    )
    path = f"/{chrome.key}/section/{section}/"
    jsonld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": section}
    meta = f'<script type="application/ld+json">{to_json(jsonld)}</script>'
    return page(chrome, head(chrome, section.title(), path, "website", meta), main)


def _classic_main(chrome: Chrome, view: ArticleView) -> str:
    body = [f"<p>{escape(p)}</p>" for p in view.paragraphs]
    if len(body) > 3 and view.related:  # a "read more" box inside the body, as CMSs insert
        title, path, _ = view.related[0]
        body.insert(3, f'<aside class="inline-related">Read more: <a href="{path}">'
                       f"{escape(title)}</a></aside>")  # fmt: skip
    return (
        f'<div class="columns"><article class="story"><h1>{escape(view.title)}</h1>'
        f'<p class="standfirst">{escape(view.dek)}</p>'
        f'<p class="byline">By <a rel="author" href="/{chrome.key}/authors/{slugify(view.author)}">'
        f'{escape(view.author)}</a> · <time datetime="{view.published.isoformat()}">'
        f"{view.published:%d %B %Y, %H:%M}</time></p>"
        f'<figure><img src="/{chrome.key}/img/{slugify(view.title)}.jpg" alt="">'
        f"<figcaption>File photo. Photograph: {escape(chrome.name)}</figcaption></figure>"
        f'<div class="article-body">{"".join(body)}</div>'
        f'<div class="tags">Topics: <a href="/{chrome.key}/section/{view.section}/">'
        f"{view.section}</a></div>{share_tools()}</article>{most_read(chrome)}</div>"
        f"{appeals(chrome)}{_related(view.related)}{ad_slot('mid')}"
        f"{_more(chrome, view)}{_comments(view.comments)}"
    )


def _modern_main(chrome: Chrome, view: ArticleView) -> str:
    paragraphs = [f'<p class="paragraph">{escape(p)}</p>' for p in view.paragraphs]
    if len(paragraphs) > 4:
        quote = view.paragraphs[2].split(". ")[0]
        paragraphs.insert(4, f'<blockquote class="pull-quote">{escape(quote)}</blockquote>')
    state = {"props": {"page": {"id": view.path, "section": view.section,
                                "related": [list(link) for link in view.related]}}}  # fmt: skip
    return (
        f'<div id="__next"><div class="layout"><div class="story-header">'
        f'<div class="kicker">{view.section}</div><div class="headline-wrap"><h1 '
        f'class="headline">{escape(view.title)}</h1></div><div class="dek">{escape(view.dek)}'
        f'</div><div class="meta"><span class="by">By <a href="/{chrome.key}/people/'
        f'{slugify(view.author)}">{escape(view.author)}</a></span> <span class="date">Updated '
        f"{view.modified:%B %d, %Y %I:%M %p} UTC</span></div></div>"
        f'<div class="rich-text" data-component="body">{"".join(paragraphs)}</div>'
        f"{share_tools()}{appeals(chrome)}{_related(view.related)}{ad_slot('mid')}"
        f"{_more(chrome, view)}{_comments(view.comments)}</div>{most_read(chrome)}</div>"
        f'<script id="__NEXT_DATA__" type="application/json">{to_json(state)}</script>'
    )


def _meta(chrome: Chrome, view: ArticleView) -> str:
    url = chrome.base_url + view.path
    article = {
        "@type": "NewsArticle", "headline": view.title, "description": view.dek,
        "datePublished": view.published.isoformat(), "dateModified": view.modified.isoformat(),
        "author": [{"@type": "Person", "name": view.author}], "articleSection": view.section,
        "publisher": {"@type": "Organization", "name": chrome.name}, "mainEntityOfPage": url,
    }  # fmt: skip
    if chrome.layout == "modern":
        crumbs = {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": view.section}]}  # fmt: skip
        jsonld = {"@context": "https://schema.org", "@graph": [article, crumbs]}
    else:
        jsonld = {"@context": "https://schema.org", **article}
    return (
        f'<meta name="description" content="{escape(view.dek)}">'
        f'<meta name="author" content="{escape(view.author)}">'
        f'<meta property="og:description" content="{escape(view.dek)}">'
        f'<meta property="article:published_time" content="{view.published.isoformat()}">'
        f'<meta property="article:modified_time" content="{view.modified.isoformat()}">'
        f'<meta property="article:section" content="{view.section}">'
        f'<meta name="twitter:card" content="summary_large_image">'
        f'<script type="application/ld+json">{to_json(jsonld)}</script>'
    )


def _related(links: tuple[Link, ...]) -> str:
    items = "".join(
        f'<li><a href="{path}">{escape(title)}</a><p>{escape(teaser)}</p></li>'
        for title, path, teaser in links
    )
    return f'<aside class="related-links"><h2>Related coverage</h2><ul>{items}</ul></aside>'


def _more(chrome: Chrome, view: ArticleView) -> str:
    cards = "".join(
        f'<div class="card"><a href="{path}"><figure><img src="/{chrome.key}/img/card-{n}.jpg" '
        f'alt="" loading="lazy"></figure><h3>{escape(title)}</h3></a><p>{escape(teaser)}</p>'
        f'<span class="card-section">{view.section}</span></div>'
        for n, (title, path, teaser) in enumerate(view.more)
    )
    return f'<section class="more-from"><h2>More from {view.section}</h2><div class="grid">' \
           f"{cards}</div></section>"  # fmt: skip


def _comments(comments: tuple[tuple[str, str], ...]) -> str:
    items = "".join(
        f'<li class="comment"><p class="comment-author">{escape(user)}</p>'
        f'<p class="comment-body">{escape(text)}</p></li>'
        for user, text in comments
    )
    return (
        f'<section class="comments" id="comments"><h2>Reader comments ({len(comments)})</h2>'
        f'<ol class="comment-list">{items}</ol><p><a href="/login">Log in to join the '
        "conversation</a></p></section>"
    )
