"""The benchmark site's outlets: names, discovery styles, URL schemes and their config entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

STYLES = ("rss", "sitemap", "atom")  # discovery style of outlet i is STYLES[i % 3]
# HTML layout of outlet i: LAYOUTS[(i + i // 3) % 3], so that six outlets show each layout
# twice, each time with another discovery style.
LAYOUTS = ("classic", "modern", "app")
_NAMES = (
    "Harbour Courier", "Northgate Ledger", "Valley Post", "Riverside Chronicle", "Metro Tribune",
    "Capital Wire", "Eastfield Gazette", "Lakeside Herald", "Moorland Standard", "Coastal Times",
    "Borough Observer", "Highland Mercury", "Southbank Express", "Westcountry Echo",
    "Midland Sentinel", "Fenland Record",
)  # fmt: skip
EMPTY_KEY = "quiet"  # an outlet whose feed never has an entry: the fixed cost of a run


@dataclass(frozen=True)
class OutletSpec:
    """One generated outlet: how its articles are found and how its pages look."""

    key: str  # first path segment of every URL of the outlet
    name: str
    tagline: str
    style: str
    layout: str

    def article_path(self, section: str, slug: str, number: int, published: datetime) -> str:
        """The article's canonical path, in the URL scheme of the outlet's style."""
        if self.style == "rss":
            return f"/{self.key}/news/{section}/{slug}-{number}.html"
        if self.style == "sitemap":
            return f"/{self.key}/{published:%Y/%m/%d}/{slug}-{number}"
        return f"/{self.key}/{section}/{published:%Y/%m}/{slug}-{number}"

    @property
    def allow(self) -> str:
        """The config's `allow` regex: matches the outlet's article URLs and nothing else."""
        key = re.escape(self.key)
        return {
            "rss": rf"/{key}/news/[a-z]+/[\w-]+-\d+\.html$",
            "sitemap": rf"/{key}/\d{{4}}/\d{{2}}/\d{{2}}/[\w-]+$",
            "atom": rf"/{key}/[a-z]+/\d{{4}}/\d{{2}}/[\w-]+$",
        }[self.style]

    def config(self, base_url: str, sections: tuple[str, ...]) -> dict[str, Any]:
        """The outlet's [[outlets]] entry for a site served at `base_url`."""
        root = f"{base_url}/{self.key}"
        entry: dict[str, Any] = {"name": self.name, "feeds": [], "sitemaps": [], "pages": []}
        if self.style == "rss":
            entry["feeds"] = [f"{root}/rss.xml"]
        elif self.style == "sitemap":
            entry["sitemaps"] = [f"{root}/sitemap-index.xml"]
        else:
            entry["feeds"] = [f"{root}/atom.xml"]
            entry["pages"] = [f"{root}/section/{section}/" for section in sections]
        return {**entry, "allow": self.allow}


def outlet_specs(count: int) -> list[OutletSpec]:
    """`count` outlets cycling through the discovery styles and layouts."""
    specs = []
    for i in range(count):
        name = _NAMES[i % len(_NAMES)] + (f" {i // len(_NAMES) + 1}" if i >= len(_NAMES) else "")
        key = re.sub(r"\W+", "-", name.lower())
        tagline = f"News for {name.split()[0]} and beyond since {1850 + 7 * i}"
        specs.append(OutletSpec(key, name, tagline, STYLES[i % 3], LAYOUTS[(i + i // 3) % 3]))
    return specs


def empty_outlet_config(base_url: str) -> dict[str, Any]:
    """An outlet with an empty RSS feed: a run of it alone costs what starting a run costs."""
    return {"name": "Quiet Outlet", "feeds": [f"{base_url}/{EMPTY_KEY}/rss.xml"],
            "sitemaps": [], "pages": []}  # fmt: skip


def slug(title: str, words: int = 8) -> str:
    """A URL slug of the first `words` words of a title."""
    return "-".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split()[:words])
