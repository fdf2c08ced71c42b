"""Article storage: upsert by canonical URL into a story, keep and classify every text version."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Literal

from sqlalchemy import TextClause, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.models import Article, ArticleVersion
from storage.search import index_article
from storage.stories import other_outlets, shared_story_outlets
from storage.updates import UpdateKind, classify_update

DATE_FUTURE_SLACK = timedelta(days=1)
DATE_OLD_AFTER = timedelta(days=30)
# The update reason of a version whose text changed only because cleaning changed.
CLEANING_ONLY = "cleaning only: learned boilerplate removed or the page re-cleaned"
ChangeKind = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class ArticleChange:
    """What storing one record did: a new article, a new version, or nothing new."""

    article_id: int
    kind: ChangeKind
    version: int  # the article's current version after the upsert
    version_id: int  # its article_versions row
    story_id: int | None = None
    published_at: datetime | None = None  # as stored after the upsert
    first_seen_at: datetime | None = None
    update: UpdateKind | None = None  # for "updated": cosmetic or material, and why


@dataclass(frozen=True)
class ArticleSummary:
    """One stored article as listed by the CLI."""

    url: str
    outlet: str
    title: str
    author: str | None
    published_at: datetime | None
    text: str
    first_seen_at: datetime
    version_count: int
    published_source: str | None = None
    modified_at: datetime | None = None
    story_id: int | None = None
    also_covered_by: tuple[str, ...] = ()  # the other outlets that carried the same story
    date_flag: str | None = None  # "future" or "old": a publish date not to take on trust


def date_flag(published_at: datetime | None, first_seen_at: datetime) -> str | None:
    """ "future" for a publish date over a day after the article was first seen, "old" for one
    over 30 days before it (an archive piece re-linked, or a wrong date); else None (pure)."""
    if published_at is None:
        return None
    if published_at > first_seen_at + DATE_FUTURE_SLACK:
        return "future"
    if published_at < first_seen_at - DATE_OLD_AFTER:
        return "old"
    return None


def utc_offset_minutes(value: datetime | None) -> int | None:
    """The offset a time was written with, in minutes east of UTC (None when unknown)."""
    offset = value.utcoffset() if value is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


def at_offset(value: datetime | None, minutes: int | None) -> datetime | None:
    """A stored UTC time shown in the offset it was written with (as is when unknown)."""
    if value is None or minutes is None:
        return value
    return value.astimezone(timezone(timedelta(minutes=minutes)))


def local_published(article: Article) -> datetime | None:
    """The article's publish time in the offset its page wrote it with (UTC when unknown)."""
    return at_offset(article.published_at, article.published_offset)


@dataclass(frozen=True)
class Version:
    """One stored text of an article."""

    version: int
    title: str
    text: str
    content_hash: str
    fetched_at: datetime
    update_kind: str | None = None
    update_reason: str | None = None


def known_urls(session: Session, outlets: Iterable[str] | None = None) -> set[str]:
    """Canonical URLs already stored, optionally only those of the given outlets."""
    query = select(Article.url)
    if outlets is not None:
        query = query.where(Article.outlet.in_(list(outlets)))
    return set(session.scalars(query))


def count_articles(session: Session, outlet: str | None = None) -> int:
    """How many articles are stored, optionally of one outlet."""
    query = select(func.count(Article.id))
    if outlet is not None:
        query = query.where(Article.outlet == outlet)
    return session.scalar(query) or 0


def articles_by_outlet(session: Session, outlets: Iterable[str]) -> dict[str, int]:
    """How many articles each of these outlets has stored (outlets with none are left out)."""
    query = (
        select(Article.outlet, func.count(Article.id))
        .where(Article.outlet.in_(list(outlets)))
        .group_by(Article.outlet)
    )
    return {outlet: count for outlet, count in session.execute(query)}


def upsert_article(
    session: Session,
    record: ArticleRecord,
    seen_at: datetime,
    *,
    signature: bytes | None = None,
    story_id: int | None = None,
    sentence_fingerprints: Collection[int] | None = None,
    raw_html: bytes | None = None,
    restate: Callable[[str], str] | None = None,
    recleaned: bool = False,
) -> ArticleChange:
    """Store a crawled record: insert it, bump last_seen_at, or add a classified version.

    A new article joins `story_id`, else starts a story of its own; `signature` is its story
    signature (storage.similarity), kept up to date on every upsert. `sentence_fingerprints`
    (the learning input) are stored with the article, `raw_html` (zlib) with a new version.
    `restate` renders a stored text as today's cleaning would (learned boilerplate stripped):
    an edit is judged against that, so newly learned boilerplate going away is no news.
    A `recleaned` record comes from a kept page cleaned again: its version is never news.
    """
    content_hash = record.content_hash
    fps = sorted(sentence_fingerprints) if sentence_fingerprints is not None else None
    article_id = _insert_if_new(session, record, content_hash, seen_at, signature, story_id, fps)
    if article_id is not None:
        if story_id is None:
            story_id = article_id
            session.execute(
                update(Article).where(Article.id == article_id).values(story_id=story_id)
            )
        row = _version_row(article_id, 1, record, content_hash, seen_at)
        row.raw_html = raw_html
        session.add(row)
        session.flush()
        index_article(session, article_id, content_hash, record.title, record.text,
                      record.author, record.outlet)  # fmt: skip
        return ArticleChange(
            article_id, "new", 1, row.id, story_id, record.published_at, first_seen_at=seen_at
        )

    # Lock the row so two writers cannot both append the same version number.
    article = session.scalars(
        select(Article).where(Article.url == record.url).with_for_update()
    ).one()
    current = _current_version(session, article.id)
    article.last_seen_at = max(article.last_seen_at, seen_at)
    if signature is not None and article.story_signature != signature:
        article.story_signature = signature  # stale (older parameters) or never computed
    if article.story_id is None:  # only a row written outside upsert_article lacks one
        article.story_id = article.id
    if fps is not None and article.sentence_fingerprints != fps:
        article.sentence_fingerprints = fps
    if article.content_hash == content_hash:
        session.flush()
        return _change(article, "unchanged", current)

    if recleaned:
        verdict = UpdateKind("cosmetic", CLEANING_ONLY)
    else:
        verdict = _judge_edit(current, record, restate)
    _apply_record(article, record, content_hash)
    article.updated_at = seen_at
    index_article(session, article.id, content_hash, article.title, article.text,
                  article.author, article.outlet)  # fmt: skip
    row = _version_row(article.id, current.version + 1, record, content_hash, seen_at)
    row.raw_html = raw_html
    row.update_kind, row.update_reason = verdict.kind, verdict.reason
    session.add(row)
    session.flush()
    return _change(article, "updated", row, verdict)


def _judge_edit(
    current: ArticleVersion, record: ArticleRecord, restate: Callable[[str], str] | None
) -> UpdateKind:
    old_text = restate(current.text) if restate else current.text
    if restate and current.title == record.title and old_text == record.text:
        return UpdateKind("cosmetic", CLEANING_ONLY)
    return classify_update(current.title, old_text, record.title, record.text)


def _change(
    article: Article, kind: ChangeKind, version: ArticleVersion, verdict: UpdateKind | None = None
) -> ArticleChange:
    return ArticleChange(
        article.id, kind, version.version, version.id, article.story_id, article.published_at,
        article.first_seen_at, verdict,
    )  # fmt: skip


def _insert_if_new(
    session: Session,
    record: ArticleRecord,
    content_hash: str,
    seen_at: datetime,
    signature: bytes | None,
    story_id: int | None,
    sentence_fingerprints: list[int] | None,
) -> int | None:
    # ON CONFLICT DO NOTHING rather than select-then-insert: a concurrent run storing the same
    # URL makes this a no-op (None) instead of an IntegrityError that would poison the session.
    values = {
        "url": record.url,
        "outlet": record.outlet,
        "title": record.title,
        "author": record.author,
        "authors": list(record.authors) or None,
        "published_at": record.published_at,
        "published_source": record.published_source if record.published_at else None,
        "published_offset": utc_offset_minutes(record.published_at),
        "modified_at": record.modified_at,
        "language": record.language,
        "text": record.text,
        "content_hash": content_hash,
        "first_seen_at": seen_at,
        "last_seen_at": seen_at,
        "updated_at": seen_at,
        "story_id": story_id,
        "story_signature": signature,
        "sentence_fingerprints": sentence_fingerprints,
    }
    return session.execute(_new_article(tuple(values)), values).scalar_one_or_none()


@cache
def _new_article(columns: tuple[str, ...]) -> TextClause:
    # Written out, with the columns' types bound: SQLAlchemy cannot cache the compiled form of
    # its dialects' on_conflict_do_nothing() inserts, and compiling one took ~0.5 ms of every
    # stored article. SQLite (3.35+) and PostgreSQL read the same statement.
    table = Article.__table__
    names = ", ".join(f'"{name}"' for name in columns)
    params = ", ".join(f":{name}" for name in columns)
    statement = text(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({params})'
        ' ON CONFLICT ("url") DO NOTHING RETURNING "id"'
    )
    return statement.bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


def _apply_record(article: Article, record: ArticleRecord, content_hash: str) -> None:
    article.outlet = record.outlet
    article.title = record.title
    article.text = record.text
    article.content_hash = content_hash
    # An update that lost its byline or date keeps the ones seen before.
    article.author = record.author or article.author
    article.authors = list(record.authors) or article.authors
    if record.published_at:
        article.published_at, article.published_source = (
            record.published_at,
            record.published_source,
        )
        article.published_offset = utc_offset_minutes(record.published_at)
    article.modified_at = record.modified_at or article.modified_at
    article.language = record.language or article.language


def _version_row(
    article_id: int, version: int, record: ArticleRecord, content_hash: str, fetched_at: datetime
) -> ArticleVersion:
    return ArticleVersion(
        article_id=article_id,
        version=version,
        title=record.title,
        text=record.text,
        content_hash=content_hash,
        fetched_at=fetched_at,
    )


def _current_version(session: Session, article_id: int) -> ArticleVersion:
    query = (
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.version.desc())
        .limit(1)
    )
    return session.scalars(query).one()


def list_articles(
    session: Session, outlet: str | None = None, limit: int | None = None
) -> list[ArticleSummary]:
    """Stored articles, newest first (by publish date, else first seen), with version counts
    and the other outlets that covered the same story."""
    version_count = (
        select(func.count(ArticleVersion.id))
        .where(ArticleVersion.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
    )
    query = select(Article, version_count).order_by(
        func.coalesce(Article.published_at, Article.first_seen_at).desc(), Article.id.desc()
    )
    if outlet is not None:
        query = query.where(Article.outlet == outlet)
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    outlets = shared_story_outlets(session)
    return [
        ArticleSummary(
            url=article.url,
            outlet=article.outlet,
            title=article.title,
            author=article.author,
            published_at=local_published(article),
            text=article.text,
            first_seen_at=article.first_seen_at,
            version_count=count,
            published_source=article.published_source,
            modified_at=article.modified_at,
            story_id=article.story_id,
            also_covered_by=other_outlets(outlets.get(article.story_id, []), article.outlet),
            date_flag=date_flag(article.published_at, article.first_seen_at),
        )
        for article, count in rows
    ]


def article_versions(session: Session, url: str) -> list[Version]:
    """Every stored text of the article at this canonical URL, oldest first; [] if unknown."""
    query = (
        select(ArticleVersion)
        .join(Article, Article.id == ArticleVersion.article_id)
        .where(Article.url == url)
        .order_by(ArticleVersion.version)
    )
    return [
        Version(
            version=row.version,
            title=row.title,
            text=row.text,
            content_hash=row.content_hash,
            fetched_at=row.fetched_at,
            update_kind=row.update_kind,
            update_reason=row.update_reason,
        )
        for row in session.scalars(query)
    ]


def version_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified line diff of two texts; empty when they are equal."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm=""
    )
    return "\n".join(lines)
