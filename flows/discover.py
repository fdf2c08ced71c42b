"""`newswatch outlets add`: find a site's feeds and sitemaps as a person would, and add the outlet.

gather: the home page, its feed links, common feed paths, robots.txt's Sitemap lines and common
sitemap paths, each fetched once; decide: the sources that list articles, and the outlet's name;
apply: an `[[outlets]]` entry appended to the config, kept only if the config still loads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from trafilatura import load_html
from trafilatura.downloads import fetch_url
from trafilatura.feeds import FeedParameters, determine_feed
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.sitemaps import extract_robots_sitemaps

from flows.config import ConfigError, load_config
from spiders.structured import read_facts

FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/all")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Sitemaps are parsed without entities, network or huge trees: a probe must stay harmless.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

Fetch = Callable[[str], str | None]
Echo = Callable[[str], None]


@dataclass(frozen=True)
class Source:
    """A feed or sitemap found on the site, with how many links it lists now."""

    url: str
    kind: str  # "feed", "sitemap" or "sitemap index"
    entries: tuple[str, ...] = field(default=(), repr=False)  # the links it lists now

    @property
    def links(self) -> int:
        """How many links it lists now."""
        return len(self.entries)


@dataclass(frozen=True)
class Probe:
    """What probing a site found: its name and the sources that list articles."""

    home: str
    name: str
    feeds: tuple[Source, ...] = ()
    sitemaps: tuple[Source, ...] = ()
    tried: tuple[str, ...] = field(default=())  # every URL asked, for the report

    @property
    def found(self) -> bool:
        """True when at least one source lists articles."""
        return bool(self.feeds or self.sitemaps)


def site_fetcher(*, intranet: bool = False) -> Fetch:
    """trafilatura's downloader; private and loopback addresses only for an intranet site."""
    config = deepcopy(DEFAULT_CONFIG)
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if intranet else "on")
    return lambda url: fetch_url(url, config=config)


def probe(url: str, fetch: Fetch | None = None) -> Probe:
    """Probe a site from its home page URL (nothing is written)."""
    fetch = fetch or site_fetcher()
    home = _home(url)
    asked: dict[str, str | None] = {}

    def get(address: str) -> str | None:
        if address not in asked:
            asked[address] = fetch(address)
        return asked[address]

    page = get(home) or ""
    feeds = _feeds(home, page, get)
    sitemaps = _sitemaps(home, get)
    return Probe(home, _name(home, page), feeds, sitemaps, tuple(asked))


def outlet_toml(found: Probe, name: str | None = None) -> str:
    """The `[[outlets]]` entry for what was found (strings quoted as TOML basic strings)."""
    lines = [
        "",
        "[[outlets]]",
        f"name = {_quote(name or found.name)}",
        f"feeds = [{', '.join(_quote(s.url) for s in found.feeds)}]",
        f"sitemaps = [{', '.join(_quote(s.url) for s in found.sitemaps)}]",
    ]
    return "\n".join(lines) + "\n"


def add_outlet(config: Path, entry: str) -> None:
    """Append the entry to the config; restore the file and raise ConfigError if it breaks it."""
    before = config.read_text(encoding="utf-8") if config.exists() else ""
    config.write_text(before.rstrip("\n") + "\n" + entry, encoding="utf-8")
    try:
        load_config(config)
    except ConfigError:
        config.write_text(before, encoding="utf-8")
        raise


def add_site(
    url: str, config: Path, *, name: str | None, intranet: bool, dry_run: bool, echo: Echo
) -> int:
    """Probe, show what was found and append the outlet; 0 when added (or shown), 1 if none."""
    found = probe(url, site_fetcher(intranet=intranet))
    for line in report(found):
        echo(line)
    if not found.found:
        return 1
    entry = outlet_toml(found, name)
    if dry_run:
        echo(entry)
        return 0
    try:
        add_outlet(config, entry)
    except ConfigError as exc:
        echo(f"error: not added: {exc}")
        return 2
    echo(f"added to {config}: check it with `newswatch check --config {config}`")
    return 0


def report(found: Probe) -> list[str]:
    """Human-readable lines about what was found."""
    lines = [f"{found.home}: {found.name}"]
    for source in (*found.feeds, *found.sitemaps):
        lines.append(f"  {source.kind:13} {source.links:5} links  {source.url}")
    if not found.found:
        lines.append(f"  no feed or sitemap found (asked {len(found.tried)} addresses)")
    return lines


def _home(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}/"


def _feeds(home: str, page: str, get: Fetch) -> tuple[Source, ...]:
    host = urlsplit(home).hostname or ""
    linked = determine_feed(page, FeedParameters(home, host, home)) if page else []
    candidates = dict.fromkeys([*linked, *(urljoin(home, path) for path in FEED_PATHS)])
    found = (_feed(address, get(address)) for address in candidates)
    return _distinct(found)


def _feed(address: str, body: str | None) -> Source | None:
    if not body:
        return None
    # A stream, never the text itself: feedparser opens a string that names a file.
    parsed = feedparser.parse(BytesIO(body.encode("utf-8")))
    links = tuple(entry.get("link") for entry in parsed.entries if entry.get("link"))
    return Source(address, "feed", links) if links else None


def _sitemaps(home: str, get: Fetch) -> tuple[Source, ...]:
    listed = extract_robots_sitemaps(get(urljoin(home, "/robots.txt")), home.rstrip("/"))
    candidates = dict.fromkeys([*listed, *(urljoin(home, path) for path in SITEMAP_PATHS)])
    return _distinct(_sitemap(address, get(address)) for address in candidates)


def _sitemap(address: str, body: str | None) -> Source | None:
    if not body:
        return None
    try:
        root = etree.fromstring(body.encode("utf-8"), _XML)
    except etree.XMLSyntaxError:
        return None
    kind = "sitemap index" if root.tag == f"{_SITEMAP_NS}sitemapindex" else "sitemap"
    links = tuple((loc.text or "").strip() for loc in root.iter(f"{_SITEMAP_NS}loc"))
    return Source(address, kind, links) if links else None


def _distinct(sources: Iterable[Source | None]) -> tuple[Source, ...]:
    # /feed and /rss.xml are often one feed under two names: keep the first of each.
    seen: set[frozenset[str]] = set()
    kept = []
    for source in sources:
        if source and frozenset(source.entries) not in seen:
            seen.add(frozenset(source.entries))
            kept.append(source)
    return tuple(kept)


def _name(home: str, page: str) -> str:
    tree = load_html(page) if page else None
    if tree is not None:
        facts = read_facts(tree)
        for name in (*facts.site_names, facts.title_tag):
            if name and name.strip():
                return " ".join(name.split())
    return urlsplit(home).hostname or home


def _quote(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes for quotes, backslashes, controls).
    return json.dumps(text, ensure_ascii=False)
