"""Storage tests, each run on SQLite and PostgreSQL: migrations, articles, versions, outbox."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from spiders.items import ArticleRecord
from storage.articles import (
    ArticleChange,
    article_versions,
    known_urls,
    list_articles,
    upsert_article,
    version_diff,
)
from storage.db import VERSION_TABLE, alembic_config, make_engine, mask_url, migrate
from storage.models import Alert, Article, ArticleVersion, Base
from storage.outbox import (
    enqueue_alerts,
    has_alerted,
    list_alerts,
    mark_failed,
    mark_sent,
    pending_alerts,
)
from storage.search import SQLITE_SHADOWS
from storage.search import TABLE as SEARCH_TABLE

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TABLES = {
    "articles",
    "article_versions",
    "alerts",
    "fetch_state",
    "channel_state",
    "outlet_state",
    "run_lease",
    "outlet_runs",
    "outlet_health",
    "learned_boilerplate",
}
# The backtest's full-text index: DDL of each backend's own (FTS5, pg_trgm), kept by migration
# 0013 rather than modelled; FTS5 adds shadow tables of its own.
SEARCH_TABLES = {SEARCH_TABLE, *SQLITE_SHADOWS}


def record(
    url: str = "https://news.example/world/1",
    title: str = "Talks resume",
    text: str = "First paragraph.\nSecond paragraph.",
    outlet: str = "Example News",
    published_at: datetime | None = T0,
) -> ArticleRecord:
    return ArticleRecord(
        url=url,
        fetched_url=url + "?utm_source=rss",
        outlet=outlet,
        title=title,
        text=text,
        author="A. Reporter",
        published_at=published_at,
        language="en",
    )


def store(engine: Engine, rec: ArticleRecord, seen_at: datetime = T0) -> ArticleChange:
    with Session(engine) as s, s.begin():
        return upsert_article(s, rec, seen_at)


def test_migrate_from_empty_twice_creates_schema_once(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)
        tables = set(inspect(engine).get_table_names())
        assert tables - SEARCH_TABLES == TABLES | {VERSION_TABLE}
        assert SEARCH_TABLE in tables
        with engine.connect() as conn:
            versions = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert versions == [(head,)]
    finally:
        engine.dispose()


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "version_table": VERSION_TABLE,
                  "include_name": _modelled},
        )  # fmt: skip
        assert compare_metadata(context, Base.metadata) == []


def _modelled(name: str | None, kind: str, _parents: object) -> bool:
    return not (kind == "table" and name in SEARCH_TABLES)


def test_downgrade_to_base_then_upgrade_again(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {VERSION_TABLE}
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_sqlite_engine_creates_directory_and_sets_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'n.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "a" / "b" / "n.db").exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_urls_use_psycopg(scheme: str) -> None:
    engine = make_engine(f"{scheme}://u:secret@db.invalid:5432/news")  # never connects
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_mask_url_hides_password() -> None:
    masked = mask_url("postgresql+psycopg://news:s3cr3t@db.example:5432/newswatch")
    assert "s3cr3t" not in masked
    assert masked == "postgresql+psycopg://news:***@db.example:5432/newswatch"
    assert mask_url("sqlite:///newswatch.db") == "sqlite:///newswatch.db"


def test_upsert_new_unchanged_updated_keeps_versions(engine: Engine) -> None:
    first = store(engine, record())
    again = store(engine, record(), T0 + timedelta(hours=1))
    edited = "First paragraph.\nSecond paragraph, corrected."
    changed = store(engine, record(text=edited), T0 + timedelta(hours=2))

    assert (first.kind, first.version) == ("new", 1)
    assert again == ArticleChange(
        first.article_id, "unchanged", 1, first.version_id, first.article_id, T0, T0
    )
    assert (changed.article_id, changed.kind, changed.version) == (first.article_id, "updated", 2)
    assert changed.version_id != first.version_id
    with Session(engine) as s:
        article = s.scalars(select(Article)).one()
        versions = article_versions(s, article.url)
    assert article.text == edited
    assert article.content_hash == record(text=edited).content_hash
    assert article.first_seen_at == T0
    assert article.last_seen_at == article.updated_at == T0 + timedelta(hours=2)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].text == record().text and versions[1].text == edited
    assert versions[1].fetched_at == T0 + timedelta(hours=2)
    # Each later version is classified against the one before (storage.updates).
    assert (versions[0].update_kind, versions[1].update_kind) == (None, "material")
    assert changed.update is not None and changed.update.reason == versions[1].update_reason

    diff = version_diff(versions[0].text, versions[1].text, "v1", "v2")
    assert diff.splitlines()[:2] == ["--- v1", "+++ v2"]
    assert "-Second paragraph." in diff and "+Second paragraph, corrected." in diff
    assert version_diff("same", "same", "v1", "v2") == ""


def test_unchanged_text_only_bumps_last_seen(engine: Engine) -> None:
    store(engine, record())
    store(engine, record(), T0 + timedelta(days=1))
    with Session(engine) as s:
        article = s.scalars(select(Article)).one()
        assert s.scalar(select(func.count(ArticleVersion.id))) == 1
    assert article.updated_at == T0
    assert article.last_seen_at == T0 + timedelta(days=1)


def test_concurrent_inserts_of_one_url_store_one_article(engine: Engine) -> None:
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[ArticleChange] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(store(engine, record()))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(change.kind for change in results) == ["new"] + ["unchanged"] * (workers - 1)
    assert len({change.article_id for change in results}) == 1
    with Session(engine) as s:
        assert s.scalar(select(func.count(Article.id))) == 1
        assert s.scalar(select(func.count(ArticleVersion.id))) == 1


def test_known_urls_by_outlet(engine: Engine) -> None:
    store(engine, record(url="https://a.example/1", outlet="A"))
    store(engine, record(url="https://a.example/2", outlet="A"))
    store(engine, record(url="https://b.example/1", outlet="B"))
    with Session(engine) as s:
        assert known_urls(s) == {
            "https://a.example/1",
            "https://a.example/2",
            "https://b.example/1",
        }
        assert known_urls(s, ["B"]) == {"https://b.example/1"}
        assert known_urls(s, iter(["C"])) == set()


def test_list_articles_newest_first_with_version_count(engine: Engine) -> None:
    store(engine, record(url="https://a.example/old", published_at=T0 - timedelta(days=2)))
    store(engine, record(url="https://a.example/new", published_at=T0))
    store(
        engine,
        record(url="https://b.example/undated", outlet="B", published_at=None),
        T0 - timedelta(days=1),
    )
    store(engine, record(url="https://a.example/new", text="Rewritten."), T0 + timedelta(hours=1))

    with Session(engine) as s:
        listed = list_articles(s)
        only_b = list_articles(s, outlet="B")
        top = list_articles(s, limit=1)
    assert [a.url for a in listed] == [
        "https://a.example/new",
        "https://b.example/undated",
        "https://a.example/old",
    ]
    assert [a.version_count for a in listed] == [2, 1, 1]
    assert listed[0].text == "Rewritten."
    assert [a.url for a in only_b] == ["https://b.example/undated"]
    assert [a.url for a in top] == ["https://a.example/new"]


def test_datetimes_round_trip_as_aware_utc(engine: Engine) -> None:
    cet = timezone(timedelta(hours=1))
    published = datetime(2025, 3, 1, 9, 30, tzinfo=cet)
    store(engine, record(published_at=published), datetime(2025, 3, 1, 13, 0, tzinfo=cet))
    with Session(engine) as s:
        (summary,) = list_articles(s)
        article = s.scalars(select(Article)).one()
    assert article.published_at == published
    assert article.published_at.tzinfo == UTC and article.published_at.hour == 8
    # Listed in the offset the page wrote it with: the outlet's local day.
    assert summary.published_at == published and summary.published_at.utcoffset() == cet.utcoffset(
        None
    )
    assert summary.first_seen_at == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert summary.first_seen_at.tzinfo == UTC


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store(engine, record(), datetime(2025, 3, 1, 12, 0))


def test_article_versions_of_unknown_url_is_empty(engine: Engine) -> None:
    with Session(engine) as s:
        assert article_versions(s, "https://nowhere.example/") == []


def enqueue(engine: Engine, article_id: int, watchlist: str = "syria", now: datetime = T0) -> int:
    with Session(engine) as s, s.begin():
        return enqueue_alerts(
            s,
            article_id=article_id,
            watchlist=watchlist,
            channels=["newsroom", "email", "newsroom"],
            terms=["Russia", "Syria"],
            snippet="… Russia and Syria …",
            now=now,
        )


def test_enqueue_alerts_is_idempotent(engine: Engine) -> None:
    article_id = store(engine, record()).article_id
    assert enqueue(engine, article_id) == 2
    assert enqueue(engine, article_id) == 0
    with Session(engine) as s:
        keys = s.scalars(select(Alert.idempotency_key).order_by(Alert.id)).all()
        assert has_alerted(s, article_id, "syria")
        assert not has_alerted(s, article_id, "other")
    assert keys == [f"syria|{article_id}|newsroom", f"syria|{article_id}|email"]
    with Session(engine) as s, s.begin():
        added = enqueue_alerts(
            s, article_id=article_id, watchlist="w", channels=[], terms=[], snippet="", now=T0
        )
    assert added == 0


def test_outbox_pending_failed_sent(engine: Engine) -> None:
    first = store(engine, record(url="https://a.example/1", title="One")).article_id
    second = store(engine, record(url="https://a.example/2", title="Two")).article_id
    enqueue(engine, second, now=T0 + timedelta(minutes=5))
    enqueue(engine, first, now=T0)

    with Session(engine) as s:
        pending = pending_alerts(s)
        assert [p.title for p in pending_alerts(s, limit=1)] == ["One"]
    assert [(p.title, p.channel) for p in pending] == [
        ("One", "newsroom"),
        ("One", "email"),
        ("Two", "newsroom"),
        ("Two", "email"),
    ]
    head = pending[0]
    assert head.terms == ("Russia", "Syria")
    assert (head.url, head.outlet, head.published_at) == ("https://a.example/1", "Example News", T0)
    assert head.idempotency_key == f"syria|{first}|newsroom"

    later = T0 + timedelta(minutes=10)
    with Session(engine) as s, s.begin():
        mark_failed(s, head.alert_id, "HTTP 503", later)
        mark_sent(s, pending[1].alert_id, later)
    with Session(engine) as s:
        still = pending_alerts(s)
        sent = list_alerts(s, status="sent")
        everything = list_alerts(s)
    assert [p.alert_id for p in still] == [head.alert_id] + [p.alert_id for p in pending[2:]]
    assert still[0].attempts == 1
    assert len(everything) == 4
    failed = next(a for a in everything if a.last_error)
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "HTTP 503")
    assert [(a.url, a.channel, a.sent_at, a.attempts) for a in sent] == [
        ("https://a.example/1", "email", later, 1)
    ]
    assert sent[0].created_at == T0


def test_marking_an_unknown_alert_raises(engine: Engine) -> None:
    with Session(engine) as s, s.begin(), pytest.raises(LookupError):
        mark_sent(s, 12345, T0)


def test_article_metadata_round_trips_through_json_and_storage(engine: Engine) -> None:
    modified = T0 + timedelta(hours=3)
    rec = ArticleRecord.from_dict(
        json.loads(
            ArticleRecord(
                url="https://news.example/m", fetched_url="https://news.example/m", outlet="x",
                title="T", text="body", author="Ann Lee, Bo Chen", authors=("Ann Lee", "Bo Chen"),
                published_at=T0, published_source="json-ld", modified_at=modified,
            ).to_json()
        )
    )  # fmt: skip
    assert rec.authors == ("Ann Lee", "Bo Chen") and rec.modified_at == modified
    store(engine, rec)
    with Session(engine) as s:
        article = s.scalars(select(Article)).one()
    assert article.authors == ["Ann Lee", "Bo Chen"]
    assert (article.published_source, article.modified_at) == ("json-ld", modified)


def test_suspect_publish_dates_are_flagged() -> None:
    from storage.articles import date_flag

    assert date_flag(T0 + timedelta(days=2), T0) == "future"
    assert date_flag(T0 - timedelta(days=400), T0) == "old"
    assert date_flag(T0 - timedelta(hours=5), T0) is None
    assert date_flag(None, T0) is None


def test_publish_time_keeps_the_offset_it_was_written_with(engine: Engine) -> None:
    # 00:30 on 7 June in Singapore is 6 June in UTC: the outlet's day is the publish day.
    local = datetime.fromisoformat("2024-06-07T00:30:00+08:00")
    store(engine, record("https://news.example/sg", text="A body.", published_at=local))
    store(engine, record("https://news.example/utc", text="Other body.", published_at=T0))
    with Session(engine) as s:
        listed = {a.url: a.published_at for a in list_articles(s)}
        stored = s.scalars(select(Article).where(Article.url == "https://news.example/sg")).one()
    assert listed["https://news.example/sg"].isoformat() == "2024-06-07T00:30:00+08:00"
    assert listed["https://news.example/utc"] == T0
    assert (stored.published_at, stored.published_offset) == (local, 480)
