"""Crawl and store, streamed: the crawl's records are stored as they come, in batches, each one
transaction under the story lock, with the outlets' boilerplate relearned from the batch and
the outlets' history."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.health import extraction_signs
from flows import progress
from flows.config import Config
from flows.crawl import CrawlError, CrawlResult, start_crawl
from flows.gather import CrawlPlan
from flows.ingest import ingest, story_order
from spiders.items import ArticleRecord
from spiders.pages import load_page
from storage.boilerplate import DEFAULT_RULES, fingerprints
from storage.db import write_engine
from storage.learned import learn_boilerplate
from storage.stories import Stories, catch_up, load_stories, lock_stories

BATCH_SIZE = 200  # articles per transaction: one commit, one story lock, one relearning
BATCH_SECONDS = 2.0  # a slow crawl's records wait no longer than this to be stored
# An outlet's records wait until it has this many articles (stored and waiting) or the crawl
# ends: its boilerplate is learned from as many articles as learning looks at, never from the
# first few that happened to arrive (a cold run would otherwise store and alert on appeals).
LEARNING_WINDOW = DEFAULT_RULES.window

Counts = dict[str, Counter]


@dataclass
class Batcher:
    """Records waiting to be stored, released in batches (pure: the caller gives the clock)."""

    stored: dict[str, int]  # outlet -> articles stored (before the run, and since)
    size: int = BATCH_SIZE
    seconds: float = BATCH_SECONDS
    warm_at: int = LEARNING_WINDOW
    waiting: dict[str, list[ArticleRecord]] = field(default_factory=dict)
    oldest: float | None = None  # when the oldest waiting record came

    def add(self, records: Iterable[ArticleRecord], now: float) -> None:
        """Queue records by outlet."""
        for record in records:
            self.waiting.setdefault(record.outlet, []).append(record)
            if self.oldest is None:
                self.oldest = now

    def take(self, now: float, final: bool = False) -> list[ArticleRecord]:
        """The next batch, or [] while it is not due: every waiting record of the outlets with
        enough articles to learn from, once there are `size` of them or the oldest waited
        `seconds`; everything left when `final`."""
        ready = [o for o, rs in self.waiting.items() if final or self._warm(o, len(rs))]
        count = sum(len(self.waiting[o]) for o in ready)
        waited = self.oldest is not None and now - self.oldest >= self.seconds
        if not count or not (final or count >= self.size or waited):
            return []
        batch = []
        for outlet in ready:
            records = self.waiting.pop(outlet)
            self.stored[outlet] = self.stored.get(outlet, 0) + len(records)
            batch += records
        self.oldest = now if self.waiting else None
        return batch

    def _warm(self, outlet: str, waiting: int) -> bool:
        return self.stored.get(outlet, 0) + waiting >= self.warm_at


class Store:
    """Stores batches of one crawl's records: the run's story index and watchlists, kept."""

    def __init__(self, engine: Engine, config: Config, pages: Path | None) -> None:
        self.writer = write_engine(engine)  # on SQLite, wait for the write lock at BEGIN
        self.config, self.pages = config, pages
        self.queries = config.queries()  # every watchlist compiled into one automaton
        self.since = _utcnow() - timedelta(days=config.stories.window_days)
        self.counts: Counts = defaultdict(Counter)
        with Session(self.writer) as session, session.begin():
            lock_stories(session)
            self.stories: Stories = load_stories(session, self.since)

    def batch(self, records: list[ArticleRecord]) -> None:
        """Relearn the batch's outlets' boilerplate, then store each article (stripped of it)
        in its story with the alerts it owes: all in one transaction."""
        started = _utcnow()
        samples = {record.url: fingerprints(record.text) for record in records}
        ordered = sorted(records, key=lambda r: story_order(r, started))
        raw = {r.url: load_page(self.pages, r.url) for r in ordered} if self.pages else {}
        with Session(self.writer) as session, session.begin():
            lock_stories(session)  # one learner per outlet at a time, as for stories
            catch_up(session, self.stories, self.since)  # copies other runs stored meanwhile
            learned = learn_boilerplate(session, records, samples, started)
            for record in ordered:
                result = ingest(
                    session, record, self.config.watchlists, self.queries, self.stories,
                    _utcnow(), boilerplate=learned.get(record.outlet, ()),
                    sentence_fingerprints=samples[record.url], raw_html=raw.get(record.url),
                )  # fmt: skip
                counts = self.counts[record.outlet]
                counts[result.kind] += 1
                counts["matched"] += bool(result.matched)
                counts["also_covered"] += bool(result.also_covered)
                counts.update(extraction_signs(record.title, record.text))  # for health


def store_all(store: Store, chunks: Iterable[list[ArticleRecord]], batcher: Batcher) -> None:
    """Store records as they come (`chunks`, from a running crawl), in the batches `batcher`
    makes of them."""
    cleaned = 0
    for chunk in chunks:
        cleaned += len(chunk)
        batcher.add(chunk, time.monotonic())
        if batch := batcher.take(time.monotonic()):
            store.batch(batch)
        if chunk:
            progress.report(store.counts, cleaned)
    while batch := batcher.take(time.monotonic(), final=True):
        store.batch(batch)
        progress.report(store.counts, cleaned)


@dataclass(frozen=True)
class StreamedCrawl:
    """A crawl stored while it ran: its result (None if it failed), what storing did, why it
    failed."""

    crawl: CrawlResult | None
    changes: dict[str, Counter]
    error: str | None = None


@task(cache_policy=NO_CACHE)
def crawl_and_store_streamed(
    engine: Engine, config: Config, plan: CrawlPlan, workdir: Path, shards: int
) -> StreamedCrawl:
    """Crawl the outlets in `shards` subprocesses and store their records, batch by batch,
    while they crawl; a failed crawl keeps what was stored before it failed."""
    batcher = Batcher(dict(plan.stored))
    error = None
    with closing(start_crawl(
        plan.outlets, plan.known, config.crawl, workdir, shards=shards,
        validators=plan.validators, revisits=plan.revisits,
    )) as running:  # fmt: skip
        store = Store(engine, config, running.pages_dir)
        try:
            store_all(store, running.chunks(), batcher)
        except CrawlError as exc:  # a shard hung and was killed: what was found is still stored
            error = str(exc)
            store_all(store, [], batcher)
    if error:
        return StreamedCrawl(None, dict(store.counts), error)
    result = running.result()
    get_run_logger().info(
        "crawl finished (%s): %d articles stored, log %s", result.finish_reason,
        sum(c["new"] + c["updated"] + c["unchanged"] for c in store.counts.values()),
        result.log_file,
    )  # fmt: skip
    return StreamedCrawl(result, dict(store.counts))


@task(cache_policy=NO_CACHE)
def store_and_match(
    engine: Engine, config: Config, records: list[ArticleRecord], pages: Path | None = None
) -> dict[str, Counter]:
    """Store records crawled before (all of them: one batch per outlet once warm), with the
    alerts they owe; count by outlet."""
    store = Store(engine, config, pages)
    store_all(store, [records], Batcher({}))
    return dict(store.counts)


def _utcnow() -> datetime:
    return datetime.now(UTC)
