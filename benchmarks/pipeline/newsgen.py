"""A generated multi-outlet news site (deterministic per seed) and the command that serves it.

    python -m benchmarks.pipeline.newsgen --outlets 6 --articles 5000 --seed 1

prints one JSON line ({"base_url": ..., "pid": ...}) and serves on 127.0.0.1 until stdin closes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from benchmarks.pipeline import prose
from benchmarks.pipeline.chrome import Chrome
from benchmarks.pipeline.pages import ArticleView, article_html
from benchmarks.pipeline.site import OutletSpec, outlet_specs, slug


@dataclass(frozen=True)
class Item:
    """One article of the site; an edit replaces it with a higher version."""

    outlet: OutletSpec
    number: int
    story: prose.Story
    path: str
    published: datetime
    modified: datetime
    seed: int
    version: int = 0

    @property
    def etag(self) -> str:
        """A strong validator that changes with every edit."""
        return f'"{self.outlet.key}-{self.number}-v{self.version}"'


class NewsSite:
    """Outlets and their articles; publish() and edit() change them between crawls."""

    def __init__(
        self,
        seed: int = 1,
        outlets: int = 3,
        articles: int = 300,
        now: datetime | None = None,
        weeks: float = 6,
        recent_share: float = 0.03,
        recent_hours: float = 6,
    ) -> None:
        self.seed = seed
        self.now = now or datetime.now(UTC).replace(microsecond=0)
        self.outlets = outlet_specs(outlets)
        self.base_url = ""  # set by the server once it has a port
        self._lock = threading.Lock()
        self._items: dict[str, Item] = {}
        self._numbers: dict[str, int] = {spec.key: 0 for spec in self.outlets}
        self.generation = 0  # bumped by every change: feeds and sitemaps render afresh
        self.cache: dict[str, tuple] = {}  # path -> (generation, body, ETag, Last-Modified)
        rng = random.Random(f"{seed}:dates")
        span = timedelta(weeks=weeks)
        recent = timedelta(hours=recent_hours)
        for i in range(articles):
            # A few percent within the last hours (what revisits care about), the rest weeks old.
            back = recent * rng.random() if rng.random() < recent_share else (
                recent + (span - recent) * rng.random()
            )  # fmt: skip
            self._add(self.outlets[i % outlets], (self.now - back).replace(microsecond=0))
        self._originals = frozenset(self._items)
        self.by_key = {spec.key: spec for spec in self.outlets}

    def items(self, outlet: OutletSpec | None = None) -> list[Item]:
        """The articles (of one outlet), newest first."""
        items = [i for i in list(self._items.values()) if outlet is None or i.outlet == outlet]
        return sorted(items, key=lambda item: (item.published, item.number), reverse=True)

    def item(self, path: str) -> Item | None:
        """The article at `path`, if any."""
        return self._items.get(path)

    def url(self, item: Item) -> str:
        """The article's canonical URL."""
        return self.base_url + item.path

    def publish(self, count: int, now: datetime | None = None) -> list[str]:
        """Add `count` new articles round-robin over the outlets; return their URLs."""
        now = now or datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            start = sum(self._numbers.values())
            items = [
                self._add(self.outlets[(start + i) % len(self.outlets)], now - timedelta(seconds=i))
                for i in range(count)
            ]
            self.generation += 1
        return [self.url(item) for item in items]

    def edit(self, count: int, now: datetime | None = None) -> list[str]:
        """Edit the `count` newest of the originally generated articles; return their URLs."""
        now = now or datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            originals = [i for i in self.items() if i.path in self._originals]
            edited = [replace(i, version=i.version + 1, modified=now) for i in originals[:count]]
            self._items.update({item.path: item for item in edited})
            self.generation += 1
        return [self.url(item) for item in edited]

    def chrome(self, outlet: OutletSpec) -> Chrome:
        """The outlet's page furniture (most-read and ticker from its newest stories)."""
        return _chrome(self, outlet, self.generation)

    def render(self, item: Item) -> bytes:
        """The article page's HTML."""
        return _render(self, item).encode()

    def _add(self, outlet: OutletSpec, published: datetime) -> Item:
        number = self._numbers[outlet.key]
        self._numbers[outlet.key] += 1
        story = prose.story(random.Random(f"{self.seed}:{outlet.key}:{number}"))
        path = outlet.article_path(story.section, slug(story.title), number, published)
        item = Item(outlet, number, story, path, published, published, self.seed)
        self._items[path] = item
        return item


def body_of(item: Item) -> tuple[str, ...]:
    """The article's paragraphs (deterministic); every edit adds an update paragraph."""
    return _body(item.seed, item.outlet.key, item.number, item.version, item.story)


@lru_cache(maxsize=64)
def _chrome(site: NewsSite, outlet: OutletSpec, generation: int) -> Chrome:
    newest = site.items(outlet)[:10]
    return Chrome(
        key=outlet.key, name=outlet.name, tagline=outlet.tagline, layout=outlet.layout,
        base_url=site.base_url, sections=prose.SECTIONS,
        ticker=tuple(i.story.title for i in newest[:3]),
        most_read=tuple((i.story.title, i.path, "") for i in newest), year=site.now.year,
    )  # fmt: skip


def _render(site: NewsSite, item: Item) -> str:
    rng = random.Random(f"{item.seed}:{item.outlet.key}:{item.number}:page")
    neighbours = [site._items.get(p) for p in _neighbour_paths(site, item)]
    view = ArticleView(
        path=item.path, section=item.story.section, title=item.story.title, dek=item.story.dek,
        author=item.story.author, published=item.published, modified=item.modified,
        paragraphs=body_of(item),
        related=tuple((n.story.title, n.path, n.story.dek) for n in neighbours if n),
        more=_more_from(site, item.outlet, item.story.section, site.generation),
        comments=tuple(prose.comments(rng, rng.randint(2, 8))),
    )  # fmt: skip
    return article_html(site.chrome(item.outlet), view)


def _neighbour_paths(site: NewsSite, item: Item) -> list[str]:
    index = _paths_by_number(site, item.outlet, site.generation)
    return [index[n] for n in range(item.number - 3, item.number + 4)
            if n != item.number and n in index]  # fmt: skip


@lru_cache(maxsize=256)
def _more_from(
    site: NewsSite, outlet: OutletSpec, section: str, generation: int
) -> tuple[tuple[str, str, str], ...]:
    newest = [i for i in site.items(outlet) if i.story.section == section][:12]
    return tuple((i.story.title, i.path, i.story.dek) for i in newest)


@lru_cache(maxsize=64)
def _paths_by_number(site: NewsSite, outlet: OutletSpec, generation: int) -> dict[int, str]:
    return {i.number: i.path for i in site.items(outlet)}


@lru_cache(maxsize=4096)
def _body(seed: int, key: str, number: int, version: int, story: prose.Story) -> tuple[str, ...]:
    rng = random.Random(f"{seed}:{key}:{number}:body")
    paragraphs = prose.body(rng, story, rng.randint(6, 12))
    for v in range(1, version + 1):
        paragraphs.append(prose.update_note(random.Random(f"{seed}:{key}:{number}:v{v}"), story, v))
    return tuple(paragraphs)


def main(argv: list[str] | None = None) -> None:
    """Serve a generated site until stdin closes (the benchmark's site subprocess)."""
    from benchmarks.pipeline.server import NewsServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=3)
    parser.add_argument("--articles", type=int, default=300, help="in all, over the outlets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    site = NewsSite(seed=args.seed, outlets=args.outlets, articles=args.articles)
    with NewsServer(site, port=args.port) as server:
        print(json.dumps({"base_url": server.base_url, "pid": server.pid}), flush=True)
        sys.stdin.read()  # the parent closes our stdin (or dies) to stop us


if __name__ == "__main__":
    main()
