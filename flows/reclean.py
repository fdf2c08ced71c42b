"""Re-cleaning: run today's cleaning over kept raw pages and store what changed, without alerts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from flows.config import Config, Outlet
from spiders.excludes import Excludes, compile_excludes
from spiders.extract import clean_page
from spiders.items import ArticleRecord
from spiders.limits import CleaningLimit
from spiders.pages import decompress_page
from storage.articles import at_offset, upsert_article
from storage.boilerplate import fingerprints, strip
from storage.db import write_engine
from storage.learned import learned_set
from storage.models import Article, ArticleVersion
from storage.similarity import signature

_BATCH = 200  # pages decompressed and cleaned per read: memory stays flat on a big archive


@dataclass(frozen=True)
class Recleaned:
    """What re-cleaning one article changed."""

    url: str
    outlet: str
    title_changed: bool
    words_before: int
    words_after: int


@dataclass
class RecleanReport:
    """What one `newswatch reclean` did."""

    checked: int = 0  # articles with a kept page
    changed: list[Recleaned] = field(default_factory=list)
    not_article: list[str] = field(default_factory=list)  # no longer cleans to an article: kept

    @property
    def unchanged(self) -> int:
        """Articles whose clean text came out the same."""
        return self.checked - len(self.changed) - len(self.not_article)


@dataclass(frozen=True)
class _Cleaning:
    """How one outlet's pages are cleaned today: its zone, excludes and learned boilerplate."""

    zone: tzinfo | None  # configured; None: read from each page (spiders.region)
    excludes: Excludes
    learned: frozenset[int]


def _cleaning(outlet: Outlet | None, learned: set[int]) -> _Cleaning:
    # An outlet no longer in the config is cleaned with the defaults.
    zone = ZoneInfo(outlet.timezone) if outlet and outlet.timezone else None
    excludes = compile_excludes(outlet.exclude) if outlet else ()
    return _Cleaning(zone, excludes, frozenset(learned))


@dataclass(frozen=True)
class _Kept:
    article_id: int
    url: str
    outlet: str
    title: str
    text: str
    raw_html: bytes
    published_at: datetime | None
    published_source: str | None
    published_offset: int | None


def reclean(
    engine: Engine,
    config: Config,
    *,
    since: datetime | None = None,
    outlet: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RecleanReport:
    """Clean every article's newest kept page again (fetched since `since`, of `outlet`) and
    store a new version where the clean text changed; no alert is owed for it."""
    report = RecleanReport()
    writer = write_engine(engine)
    outlets = {o.name: o for o in config.outlets}

    @cache
    def cleaning(name: str) -> _Cleaning:
        with Session(engine) as session:
            return _cleaning(outlets.get(name), learned_set(session, name))

    for kept in _kept_pages(engine, since, outlet):
        report.checked += 1
        record, sample = _recleaned_record(kept, cleaning(kept.outlet))
        if record is None:
            report.not_article.append(kept.url)
            continue
        if (record.title, record.text) == (kept.title, kept.text):
            continue
        with Session(writer) as session, session.begin():
            upsert_article(
                session, record, now(), signature=signature(record.title, record.text),
                sentence_fingerprints=sample, recleaned=True,
            )  # fmt: skip
        report.changed.append(
            Recleaned(
                kept.url,
                kept.outlet,
                record.title != kept.title,
                len(kept.text.split()),
                len(record.text.split()),
            )
        )
    return report


def _kept_pages(engine: Engine, since: datetime | None, outlet: str | None) -> Iterator[_Kept]:
    newest = (
        select(ArticleVersion.article_id, func.max(ArticleVersion.version).label("version"))
        .where(ArticleVersion.raw_html.is_not(None))
        .group_by(ArticleVersion.article_id)
    )
    if since is not None:
        newest = newest.where(ArticleVersion.fetched_at >= since)
    newest_sq = newest.subquery()
    query = (
        select(
            Article.id,
            Article.url,
            Article.outlet,
            Article.title,
            Article.text,
            ArticleVersion.raw_html,
            Article.published_at,
            Article.published_source,
            Article.published_offset,
        )
        .join(newest_sq, newest_sq.c.article_id == Article.id)
        .join(
            ArticleVersion,
            (ArticleVersion.article_id == Article.id)
            & (ArticleVersion.version == newest_sq.c.version),
        )
        .order_by(Article.id)
    )
    if outlet is not None:
        query = query.where(Article.outlet == outlet)
    with Session(engine) as session:
        for row in session.execute(query.execution_options(yield_per=_BATCH)):
            yield _Kept(*row)


def _recleaned_record(kept: _Kept, cleaning: _Cleaning) -> tuple[ArticleRecord | None, set[int]]:
    html = decompress_page(kept.raw_html)
    try:
        clean = clean_page(html, kept.url, zone=cleaning.zone, exclude=cleaning.excludes)
    except CleaningLimit:  # as in the crawl: the page fails alone, its stored text stays
        return None, set()
    if clean is None:
        return None, set()
    sample = fingerprints(clean.text)
    # The feed's date is not kept: a page without a date of its own keeps the stored one.
    published, source = clean.published_at, clean.published_source
    if published is None:
        published = at_offset(kept.published_at, kept.published_offset)
        source = kept.published_source
    record = ArticleRecord(
        url=kept.url, fetched_url=kept.url, outlet=kept.outlet, title=clean.title,
        text=strip(clean.text, cleaning.learned), author=clean.author, published_at=published,
        language=clean.language, authors=clean.authors, published_source=source,
        modified_at=clean.modified_at,
    )  # fmt: skip
    return record, sample
