"""Site-wide page furniture of the benchmark outlets: head, mega-menu, appeals, ads, footer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape

from benchmarks.pipeline.words import NEWSLETTERS, TOPICS

Link = tuple[str, str, str]  # (title, path, teaser)
_EXTRA_MENU = ("Opinion", "Analysis", "Explainers", "Video", "Podcasts", "Live")
_FOOTER = (
    "About us", "Contact", "Careers", "Advertise", "Privacy policy", "Cookie settings",
    "Terms of use", "Corrections", "Accessibility", "Site map", "Newsletters", "Archive",
    "Complaints", "Syndication", "Events", "Jobs", "Puzzles", "Obituaries", "Weather",
    "Travel", "Offers", "Help centre", "Modern slavery statement", "Editorial standards",
)  # fmt: skip
_ICON = ('<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M{0} 2'
         'l{1} 4h-3v{2}h-2V6H8z"/><circle cx="12" cy="{0}" r="2"/></svg>')  # fmt: skip


DONATION_HEADING = "Support independent journalism"
NEWSLETTER_SENTENCES = (
    "The day's essential news, from the war in Gaza to the climate talks, delivered to your "
    "inbox every weekday morning.",
    "Free, and you can unsubscribe at any time.",
)


@dataclass(frozen=True)
class Chrome:
    """What every page of an outlet shares: name, layout and the site-wide furniture."""

    key: str
    name: str
    tagline: str
    layout: str  # "classic" (<article>), "modern" (div soup, JSON-LD @graph) or "app"
    base_url: str
    sections: tuple[str, ...]
    ticker: tuple[str, ...]  # breaking-news headlines shown on every page
    most_read: tuple[Link, ...]
    year: int  # of the footer's copyright line


def head(chrome: Chrome, title: str, path: str, og_type: str, meta: str) -> str:
    """The <head>: title, canonical, Open Graph, page-specific `meta`, inline CSS and JS."""
    url = chrome.base_url + path
    return (
        f'<head><meta charset="utf-8"><title>{escape(title)} | {escape(chrome.name)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="canonical" href="{url}"><meta property="og:type" content="{og_type}">'
        f'<meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:url" content="{url}">'
        f'<meta property="og:site_name" content="{escape(chrome.name)}">'
        f'<meta property="og:image" content="{chrome.base_url}/{chrome.key}/img/share.jpg">'
        f"{meta}<style>{_stylesheet(chrome.layout)}</style>"
        f"<script>{_analytics(chrome.key)}</script></head>"
    )


def page(chrome: Chrome, head_html: str, main: str) -> str:
    """A whole HTML document: cookie banner, header, `main`, footer."""
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB">{head_html}<body class="layout-{chrome.layout}">'
        '<div class="cookie-banner">We use cookies to improve your experience and to show you '
        "relevant adverts. <button>Accept all</button> <button>Manage settings</button></div>"
        f'{header(chrome)}{ad_slot("top")}<main id="content">{main}</main>{footer(chrome)}'
        f"<script>{_analytics(chrome.key + '-late')}</script></body></html>"
    )


@lru_cache(maxsize=64)
def header(chrome: Chrome) -> str:
    """Logo, account links, search, the mega-menu and the breaking-news ticker."""
    menu = "".join(
        f'<li class="menu-item"><a href="/{chrome.key}/section/{section}/">{section.title()}</a>'
        f'<ul class="submenu">{"".join(_sub_links(chrome.key, section))}</ul></li>'
        for section in chrome.sections
    )
    ticker = " · ".join(escape(title) for title in chrome.ticker)
    return (
        f'<header class="site-header"><div class="top-bar"><a href="/{chrome.key}/account">'
        f'Sign in</a> <a class="cta" href="/{chrome.key}/subscribe">Subscribe</a> <select '
        'class="edition"><option>UK edition</option><option>US edition</option><option>'
        f'International</option></select></div><a class="logo" href="/{chrome.key}/">'
        f'{escape(chrome.name)}</a> <span class="tagline">{escape(chrome.tagline)}</span>'
        f'<form class="search" action="/{chrome.key}/search"><input name="q" '
        f'placeholder="Search"><button>Go</button></form><nav class="main-nav" aria-label='
        f'"Sections"><ul>{menu}</ul></nav><div class="breaking-ticker">Breaking: {ticker}'
        "</div></header>"
    )


def _sub_links(key: str, section: str) -> list[str]:
    things = [t[:1].upper() + t[1:] for t in TOPICS[section]["things"][:6]]
    return [
        f'<li><a href="/{key}/topics/{slugify(name)}">{escape(name)}</a></li>'
        for name in (*things, *_EXTRA_MENU)
    ]


@lru_cache(maxsize=64)
def appeals(chrome: Chrome) -> str:
    """The donation appeal and the newsletter sign-up box."""
    return (
        f'<aside class="support-box donate-appeal"><h2>{DONATION_HEADING}</h2><p>'
        f'{escape(" ".join(donation_sentences(chrome)))}</p><a class="button" href="/donate">'
        'Donate now</a></aside><aside class="newsletter-signup"><form action="/subscribe" '
        f'method="post"><h2>Sign up for {newsletter_name(chrome)}</h2><p>'
        f'{escape(" ".join(NEWSLETTER_SENTENCES))}</p><input type="email" name="email" '
        'placeholder="Your email address"> <button type="submit">Subscribe</button></form>'
        "</aside>"
    )


def donation_sentences(chrome: Chrome) -> tuple[str, ...]:
    """The donation appeal's sentences: like real ones, it names the places the outlet covers."""
    return (
        "From Ukraine and Moscow to Syria, our correspondents report from places few others go.",
        f"{chrome.name} is funded by readers like you.",
        "Our reporters cover the stories that matter where you live, and reader donations keep "
        "that work free for everyone.",
        "If you value it, please give what you can today.",
    )


def newsletter_name(chrome: Chrome) -> str:
    """The outlet's newsletter."""
    return NEWSLETTERS[len(chrome.key) % len(NEWSLETTERS)]


def appeal_sentences(chrome: Chrome) -> tuple[str, ...]:
    """Every sentence of the donation and newsletter boxes: none belongs in an article's text."""
    return (DONATION_HEADING, *donation_sentences(chrome), *NEWSLETTER_SENTENCES)


@lru_cache(maxsize=64)
def most_read(chrome: Chrome) -> str:
    """The numbered most-read list with thumbnails."""
    items = "".join(
        f'<li><span class="rank">{n}</span><a href="{path}"><img src="/{chrome.key}/img/'
        f'thumb-{n}.jpg" alt="" loading="lazy"><span>{escape(title)}</span></a></li>'
        for n, (title, path, _) in enumerate(chrome.most_read, 1)
    )
    return f'<aside class="most-read">{ad_slot("side")}<h2>Most read</h2><ol>{items}</ol></aside>'


@cache
def share_tools() -> str:
    """Share buttons with inline SVG icons."""
    buttons = "".join(
        f'<li><a href="#share-{name.lower()}" aria-label="Share by {name}">'
        f"{_ICON.format(i + 4, i + 2, i + 5)}<span>{name}</span></a></li>"
        for i, name in enumerate(("Email", "X", "Facebook", "LinkedIn", "WhatsApp", "Print"))
    )
    return f'<div class="share-tools"><ul>{buttons}</ul></div>'


@cache
def ad_slot(name: str) -> str:
    """An empty advertising slot, as rendered before the ad script fills it."""
    return (f'<div class="ad-slot ad-{name}" data-slot="{name}"><div class="ad-label">'
            f'Advertisement</div><div id="gpt-ad-{name}" class="gpt"></div></div>')  # fmt: skip


@lru_cache(maxsize=64)
def footer(chrome: Chrome) -> str:
    """Footer links, social icons and the copyright line."""
    links = "".join(f'<li><a href="/{chrome.key}/{slugify(c)}">{c}</a></li>' for c in _FOOTER)
    social = "".join(
        f'<a class="social" href="/{chrome.key}/follow/{s}">{_ICON.format(i + 3, i, i + 7)}</a>'
        for i, s in enumerate(("x", "facebook", "instagram", "youtube", "tiktok"))
    )
    return (
        f'<footer class="site-footer"><ul class="footer-links">{links}</ul>'
        f'<div class="social-links">{social}</div><p>© {chrome.year} {escape(chrome.name)}. '
        "All rights reserved. Registered in England and Wales.</p></footer>"
    )


def to_json(data: object) -> str:
    """JSON safe to put inside a <script> element."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@cache
def css_class(key: str, component: str) -> str:
    """A CSS-in-JS class name like `css-1x9k2qa`: stable per outlet and component, meaningless."""
    number = int.from_bytes(hashlib.blake2b(f"{key}:{component}".encode(), digest_size=8).digest())
    digits = ""
    while len(digits) < 7:
        number, digit = divmod(number, 36)
        digits += "0123456789abcdefghijklmnopqrstuvwxyz"[digit]
    return f"css-{digits}"


@cache
def _stylesheet(layout: str) -> str:
    # Real pages inline kilobytes of CSS; the parser still has to read past it.
    names = ("header", "nav", "menu", "teaser", "byline", "figure", "share", "comment", "footer")

    def selector(name: str, i: int) -> str:
        return css_class(layout, f"{name}-{i}") if layout == "app" else f"{layout}-{name}-{i}"

    return "".join(
        f".{selector(name, i)}{{margin:{i}px 0;padding:{i % 7}px;color:#{i * 37 % 4096:03x};"
        f"font-size:{12 + i % 9}px}}"
        for name in names
        for i in range(24)
    )


@cache
def _analytics(key: str) -> str:
    config = {f"{key}_flag_{i}": {"enabled": i % 3 == 0, "weight": i} for i in range(60)}
    return f"window.__CONFIG__={to_json(config)};(function(){{var d=document;d.cookie='s=1';}})();"
