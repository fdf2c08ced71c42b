"""Stories: articles join a story, alerts key on it, versions say whether they are news.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Until now every article was a story of its own; an alert was about its article's story.
_BACKFILL_ARTICLES = "UPDATE articles SET story_id = id"
_BACKFILL_ALERTS = (
    "UPDATE alerts SET story_id ="
    " (SELECT a.story_id FROM articles a WHERE a.id = alerts.article_id)"
)


def upgrade() -> None:
    """Add the story columns and fill them for existing rows (no version is classified)."""
    _add_article_story_id()
    op.add_column("articles", sa.Column("story_signature", sa.LargeBinary(), nullable=True))
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    with op.batch_alter_table("article_versions") as batch:
        batch.add_column(sa.Column("update_kind", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("update_reason", sa.Text(), nullable=True))
    # Nothing references `alerts`, so rebuilding it on SQLite (for the CHECK) is safe.
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("kind", sa.String(length=8), server_default=sa.text("'new'"), nullable=False)
        )
        batch.create_check_constraint("ck_alerts_kind", "kind IN ('new', 'update')")
        batch.create_index("ix_alerts_story_id_watchlist", ["story_id", "watchlist"])
    op.execute(_BACKFILL_ARTICLES)
    op.execute(_BACKFILL_ALERTS)


def downgrade() -> None:
    """Drop the story columns again."""
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index("ix_alerts_story_id_watchlist")
        batch.drop_constraint("ck_alerts_kind", type_="check")
        batch.drop_column("kind")
        batch.drop_column("story_id")
    with op.batch_alter_table("article_versions") as batch:
        batch.drop_column("update_reason")
        batch.drop_column("update_kind")
    op.drop_index("ix_articles_story_id", table_name="articles")
    op.drop_column("articles", "story_signature")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE articles DROP COLUMN story_id")  # see _add_article_story_id
    else:
        op.drop_constraint("fk_articles_story_id_articles", "articles", type_="foreignkey")
        op.drop_column("articles", "story_id")


def _add_article_story_id() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.add_column("articles", sa.Column("story_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_articles_story_id_articles", "articles", "articles", ["story_id"], ["id"]
        )
        return
    # SQLite cannot add a constraint to a table, and `articles` must never be rebuilt for one
    # (batch "recreate"): with foreign keys on, dropping the old table cascade-deletes every
    # version and alert. A column may bring its REFERENCES clause along in a plain ALTER.
    op.execute(
        "ALTER TABLE articles ADD COLUMN story_id INTEGER"
        " CONSTRAINT fk_articles_story_id_articles REFERENCES articles (id)"
    )
