"""Alembic upgrades of databases holding data from an earlier revision, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from storage.db import alembic_config, make_engine, migrate, write_engine

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def bare_engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database, not migrated."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def upgrade_to(engine: Engine, revision: str) -> None:
    """Run `alembic upgrade <revision>` (or downgrade) on the engine's database."""
    config = alembic_config()
    with write_engine(engine).begin() as connection:
        config.attributes["connection"] = connection
        if revision.startswith("-"):
            command.downgrade(config, revision.removeprefix("-"))
        else:
            command.upgrade(config, revision)


def test_upgrade_from_0001_keeps_data_and_links_alerts_to_versions(bare_engine: Engine) -> None:
    upgrade_to(bare_engine, "0001")
    with bare_engine.begin() as connection:
        insert_0001_rows(connection)

    migrate(bare_engine)

    with bare_engine.connect() as connection:
        articles = connection.execute(text("SELECT url, title FROM articles")).all()
        versions = connection.execute(
            text("SELECT id, version, raw_html FROM article_versions ORDER BY version")
        ).all()
        alerts = dict(
            connection.execute(text("SELECT channel, version_id FROM alerts")).tuples().all()
        )
    assert articles == [("https://example.com/a", "Edited title")]
    assert [(v.version, v.raw_html) for v in versions] == [(1, None), (2, None)]
    # Each alert now points at the version current when it was created.
    assert alerts == {"early": versions[0].id, "late": versions[1].id}


def test_downgrade_to_0001_and_back(bare_engine: Engine) -> None:
    migrate(bare_engine)
    upgrade_to(bare_engine, "-0001")
    with bare_engine.begin() as connection:
        insert_0001_rows(connection)  # the 0001 schema accepts 0001 data again
    migrate(bare_engine)
    with bare_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM alerts WHERE version_id IS NULL")) == 0


def test_upgrade_from_0004_puts_every_article_in_a_story_of_its_own(bare_engine: Engine) -> None:
    upgrade_to(bare_engine, "0004")
    with bare_engine.begin() as connection:
        insert_0001_rows(connection)
        insert_0004_article(connection)

    migrate(bare_engine)

    with bare_engine.connect() as connection:
        articles = connection.execute(
            text("SELECT id, story_id, story_signature, authors FROM articles ORDER BY id")
        ).all()
        versions = connection.execute(
            text("SELECT version, update_kind, update_reason FROM article_versions")
        ).all()
        alerts = connection.execute(
            text("SELECT idempotency_key, story_id, kind, status FROM alerts ORDER BY id")
        ).all()
    # Nothing lost (a rebuilt `articles` would have cascaded its versions and alerts away).
    assert [(a.id, a.story_id, a.story_signature) for a in articles] == [(1, 1, None), (2, 2, None)]
    assert articles[1].authors is not None
    assert sorted(versions) == [(1, None, None), (2, None, None)]
    # Old keys stay valid; each old alert is about its article's story, a "new" alert.
    assert [tuple(a) for a in alerts] == [
        ("w|1|early", 1, "new", "sent"), ("w|1|late", 1, "new", "sent"),
    ]  # fmt: skip


def insert_0004_article(connection) -> None:
    """A second article with the columns revision 0004 added."""
    connection.execute(
        text(
            "INSERT INTO articles (id, url, outlet, title, text, content_hash, first_seen_at,"
            " last_seen_at, updated_at, authors, published_source, modified_at) VALUES"
            " (2, 'https://example.com/b', 'ledger', 'B', 'Text', 'hb', :t0, :t0, :t0,"
            " '[\"Ann Lee\"]', 'json-ld', :t0)"
        ),
        {"t0": T0},
    )


def insert_0001_rows(connection) -> None:
    """One article with two versions and two alerts, written as revision 0001 defined them."""
    connection.execute(
        text(
            "INSERT INTO articles (id, url, outlet, title, text, content_hash, first_seen_at,"
            " last_seen_at, updated_at) VALUES (1, 'https://example.com/a', 'gazette',"
            " 'Edited title', 'Text v2', 'h2', :t0, :t2, :t2)"
        ),
        {"t0": T0, "t2": T0 + timedelta(hours=2)},
    )
    for version, fetched in ((1, T0), (2, T0 + timedelta(hours=2))):
        connection.execute(
            text(
                "INSERT INTO article_versions (article_id, version, title, text, content_hash,"
                " fetched_at) VALUES (1, :v, 'Title', 'Text', :h, :t)"
            ),
            {"v": version, "h": f"h{version}", "t": fetched},
        )
    for channel, created in (
        ("early", T0 + timedelta(minutes=5)),
        ("late", T0 + timedelta(hours=3)),
    ):
        connection.execute(
            text(
                "INSERT INTO alerts (idempotency_key, watchlist, article_id, channel, status,"
                " attempts, matched_terms, snippet, created_at) VALUES"
                " (:key, 'w', 1, :channel, 'sent', 1, '[]', 's', :created)"
            ),
            {"key": f"w|1|{channel}", "channel": channel, "created": created},
        )


def test_upgrade_to_0010_keeps_alerts_owed_alone_and_counts_sent_ones_as_sent_alone(
    bare_engine: Engine,
) -> None:
    from storage.digests import sent_alone_since

    upgrade_to(bare_engine, "0009")
    with bare_engine.begin() as connection:
        insert_0001_rows(connection)  # two sent alerts, on channels "early" and "late"
    migrate(bare_engine)
    with bare_engine.connect() as connection:
        rows = connection.execute(text("SELECT status, digest, sent_as FROM alerts")).all()
    assert [tuple(row) for row in rows] == [("sent", None, None)] * 2
    with Session(bare_engine) as session:
        session.execute(text("UPDATE alerts SET sent_at = :t"), {"t": T0})
        assert sent_alone_since(session, "early", T0 - timedelta(hours=1)) == 1
    upgrade_to(bare_engine, "-0009")
    migrate(bare_engine)
    with bare_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM alerts")) == 2
