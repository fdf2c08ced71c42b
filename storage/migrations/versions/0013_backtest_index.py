"""Backtest index: the set of words of every article's normal form, indexed (SQLite: FTS5;
PostgreSQL: a tsvector with a GIN index), and filled for the articles already stored.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create article_search (and its index), then index every stored article."""
    from storage.search import index_all

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # rowid is the article's id. The ascii tokenizer splits at ASCII non-word characters
        # only (every non-ASCII character is a word character): with "_" a word character too,
        # a normal word is exactly one token. Which words, not where: no positions kept.
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5(content_hash UNINDEXED, "
            "form UNINDEXED, words, tokenize = \"ascii tokenchars '_'\", detail = none)"
        )
        # A virtual table has no foreign keys: a deleted article takes its row along here.
        op.execute(
            "CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN "
            "DELETE FROM article_search WHERE rowid = old.id; END"
        )
        index_all(bind)
        return
    # A word is a lexeme as it is (no parser or dictionary of PostgreSQL's in between, which
    # would split and fold otherwise).
    op.execute(
        "CREATE TABLE article_search ("
        "article_id INTEGER NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
        " content_hash VARCHAR(64) NOT NULL, form VARCHAR(16) NOT NULL, words TSVECTOR NOT NULL)"
    )
    index_all(bind)  # before the index: one bulk build is far quicker than row-by-row updates
    op.execute("CREATE INDEX ix_article_search_words ON article_search USING gin (words)")


def downgrade() -> None:
    """Drop article_search."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER article_search_delete")
    op.execute("DROP TABLE article_search")
