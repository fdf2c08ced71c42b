"""Backtest index: every article's normal form, indexed for substring search (SQLite FTS5
trigram; PostgreSQL pg_trgm GIN), and filled for the articles already stored.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection, text

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    """Create article_search (and its index), then index every stored article."""
    from storage.search import index_all

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # rowid is the article's id; the body is already folded, so no case folding on top.
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5("
            "content_hash UNINDEXED, form UNINDEXED, body, tokenize = 'trigram case_sensitive 1')"
        )
        # A virtual table has no foreign keys: a deleted article takes its row along here.
        op.execute(
            "CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN "
            "DELETE FROM article_search WHERE rowid = old.id; END"
        )
        index_all(bind)
        return
    op.execute(
        "CREATE TABLE article_search ("
        "article_id INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
        " content_hash VARCHAR(64) NOT NULL, form VARCHAR(16) NOT NULL, body TEXT NOT NULL)"
    )
    index_all(bind)  # before the index: one bulk build is far quicker than row-by-row updates
    schema = _trigram_schema(bind)
    if schema is None:
        log.warning("pg_trgm is not available: backtests read every article (still exact)")
        return
    op.execute(
        "CREATE INDEX ix_article_search_body ON article_search "
        f'USING gin (body "{schema}".gin_trgm_ops)'
    )


def _trigram_schema(bind: Connection) -> str | None:
    """The schema pg_trgm lives in, installing it in public if it is missing; None if it
    cannot be had (not shipped with the server, or not ours to install)."""
    query = text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                 "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")  # fmt: skip
    schema = bind.execute(query).scalar()
    if schema is None:
        try:
            # In public, not the first schema of the search_path: an extension is one per
            # database, and one that lived in a dropped schema would take our index along.
            with bind.begin_nested():
                bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except Exception as exc:  # noqa: BLE001 - any refusal means: no index, still correct
            log.warning("CREATE EXTENSION pg_trgm failed: %s", exc)
        schema = bind.execute(query).scalar()  # a concurrent migration may have installed it
    return schema


def downgrade() -> None:
    """Drop article_search (pg_trgm stays: other databases' objects may use it)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER article_search_delete")
    op.execute("DROP TABLE article_search")
