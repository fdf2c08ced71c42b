"""ORM models: articles and their stories, their text versions, the alert outbox and its
channels' delivery state, and each outlet's run history and health."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# The outbox keys live with the alert kinds (alerts.keys); imported here by older callers.
from alerts.keys import KINDS, health_key, idempotency_key, story_key  # noqa: F401

# Explicit constraint names keep the migration, batch mode on SQLite and both backends in step.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops tzinfo on the way in)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive time is ambiguous; refuse it rather than guess the zone.
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base; every `Mapped[datetime]` is stored as aware UTC."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Article(Base):
    """One article, identified by its canonical URL, holding its current clean text."""

    __tablename__ = "articles"
    # Story membership is looked up by story (the alert text names every outlet of a story).
    __table_args__ = (Index("ix_articles_story_id", "story_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    outlet: Mapped[str] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None]
    authors: Mapped[list[str] | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None]
    published_source: Mapped[str | None] = mapped_column(String(16))  # json-ld, meta, feed…
    # Minutes east of UTC the publish time was written with: published_at is stored as UTC,
    # and the outlet's local day is the publish day (storage.articles.local_published).
    published_offset: Mapped[int | None] = mapped_column(SmallInteger)
    modified_at: Mapped[datetime | None]
    language: Mapped[str | None]
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]  # when the text last changed
    # The story this article is a copy of: the id of the story's first article (its own id
    # for a new story). Set in the transaction that inserts the article; NULL only in between.
    story_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    # storage.similarity.signature(title, text); recomputed when stale (is_current() False).
    story_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    # storage.boilerplate.fingerprints() of the text before learned boilerplate was stripped:
    # what the outlet's learning looks at (NULL for rows stored before learning existed).
    sentence_fingerprints: Mapped[list[int] | None] = mapped_column(JSON)


class ArticleVersion(Base):
    """One stored text of an article; version 1 is the text first seen."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    # The page as fetched, zlib-compressed, for re-cleaning; cleared after its retention.
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Versions after the first: "cosmetic" or "material" (storage.updates), and why.
    update_kind: Mapped[str | None] = mapped_column(String(16))
    update_reason: Mapped[str | None] = mapped_column(Text)


class LearnedBoilerplate(Base):
    """One sentence learned as an outlet's boilerplate, stripped from its articles' text."""

    __tablename__ = "learned_boilerplate"

    outlet: Mapped[str] = mapped_column(primary_key=True)
    fingerprint: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sentence: Mapped[str] = mapped_column(Text)  # one example, as written on a page
    articles: Mapped[int]  # how many of the articles looked at carried it…
    sample: Mapped[int]  # …out of how many (the outlet's latest, up to the learning window)
    first_learned_at: Mapped[datetime]
    learned_at: Mapped[datetime]  # the last time learning confirmed it


class Alert(Base):
    """An outbox row: one alert owed (or sent) for one watchlist, story and channel."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent')", name="status"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="kind"),
        Index("ix_alerts_status_created_at", "status", "created_at"),
        Index("ix_alerts_article_id_watchlist", "article_id", "watchlist"),
        Index("ix_alerts_story_id_watchlist", "story_id", "watchlist"),
        Index("ix_alerts_channel_sent_at", "channel", "sent_at"),  # the hourly cap's count
        CheckConstraint("article_id IS NOT NULL OR health_event_id IS NOT NULL", name="subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # watchlist|story:<story_id>|channel[|update] (story_key); older rows:
    # watchlist|article|channel; health notices: outlet health|<outlet_health.key>|channel
    idempotency_key: Mapped[str] = mapped_column(Text, unique=True)
    watchlist: Mapped[str]
    # The article that triggered the alert (the story's first matching copy, or the updated one).
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # Or, for a health notice (no article), the outlet's state change it tells of.
    health_event_id: Mapped[int | None] = mapped_column(ForeignKey("outlet_health.id"))
    story_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(8), default="new", server_default=text("'new'"))
    # The text the alert was about: retention never deletes a version an alert points to.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("article_versions.id"), index=True)
    channel: Mapped[str]
    status: Mapped[str] = mapped_column(default="pending", server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    matched_terms: Mapped[list[str]] = mapped_column(JSON)
    snippet: Mapped[str] = mapped_column(Text)
    # Why it matched: {"fields": per term where it was found, "highlights": [start, end) of
    # the matched words in the snippet}; NULL on rows from before evidence was kept.
    evidence: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # A lease so that concurrent senders never deliver the same row twice.
    claimed_until: Mapped[datetime | None]
    # Owed in a digest (alerts.route): "next" scheduled one, "now" (end of this run), or
    # "sent" in one; NULL: delivered alone. A row sent alone can still owe a digest ("both").
    digest: Mapped[str | None] = mapped_column(String(8))
    sent_as: Mapped[str | None] = mapped_column(String(8))  # "alert" or "digest"


class FetchState(Base):
    """What the last fetch of a URL (feed, sitemap or article) returned: validators and time."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    outlet: Mapped[str] = mapped_column(index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int]
    fetched_at: Mapped[datetime]  # the last response, a 304 included
    # The last response fetched without validators: a server whose validators lie is caught
    # by comparing the content itself at least this often.
    full_fetch_at: Mapped[datetime | None]


class OutletState(Base):
    """Per-outlet memory across runs: how long to leave an outlet alone after a 429/503."""

    __tablename__ = "outlet_state"

    outlet: Mapped[str] = mapped_column(primary_key=True)
    backoff_until: Mapped[datetime | None]
    backoff_reason: Mapped[str | None] = mapped_column(Text)


class OutletRun(Base):
    """What one run did for one outlet (alerts.health.RunCounts); a bounded history."""

    __tablename__ = "outlet_runs"
    __table_args__ = (Index("ix_outlet_runs_outlet_run_at", "outlet", "run_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet: Mapped[str]
    run_at: Mapped[datetime]
    discovered: Mapped[int]
    fetched: Mapped[int]
    new: Mapped[int]
    updated: Mapped[int]
    failed: Mapped[int]
    not_article: Mapped[int]
    blocked: Mapped[int]
    short: Mapped[int]
    responses: Mapped[int]
    not_modified: Mapped[int]
    errors: Mapped[dict[str, int]] = mapped_column(JSON)  # failure kind -> count


class OutletHealth(Base):
    """One change of an outlet's health state; its latest row is its state now (none: ok)."""

    __tablename__ = "outlet_health"
    __table_args__ = (Index("ix_outlet_health_outlet", "outlet"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # <outlet>|after:<the previous change's id, 0 for the first>: two runs deciding the same
    # change write it (and owe its notices) once.
    key: Mapped[str] = mapped_column(Text, unique=True)
    outlet: Mapped[str]
    state: Mapped[str] = mapped_column(String(16))  # ok, failing, degraded, silent
    previous: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)  # the outlet's first source, for the notice
    changed_at: Mapped[datetime]


class ChannelState(Base):
    """Per-channel delivery memory across runs: consecutive failures, back-off, dead or not."""

    __tablename__ = "channel_state"

    channel: Mapped[str] = mapped_column(primary_key=True)  # the name in [channels]
    # alerts.backoff.fingerprint() of the URL (never the URL: it holds secrets); a changed
    # URL starts the channel afresh.
    url_fingerprint: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int]  # consecutive failed sends
    strikes: Mapped[int]  # the same, weighted: a permanent-looking error counts more
    first_failed_at: Mapped[datetime | None]  # when the current run of failures began
    retry_at: Mapped[datetime | None]  # no send before this
    dead_since: Mapped[datetime | None]  # no send at all until the URL changes
    last_error: Mapped[str | None] = mapped_column(Text)  # masked: never the URL or a secret
    updated_at: Mapped[datetime]


class RunLease(Base):
    """The one-run-at-a-time lease: which run holds the cycle, since when, and until when."""

    __tablename__ = "run_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  # "cycle"
    run: Mapped[int]  # counts the runs that took the lease: the number a skipped run names
    owner: Mapped[str] = mapped_column(Text)  # host and pid of the holder
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # renewed while the holder lives; a dead one's lapses
