"""Alerts point at the article version they were about; versions can keep their raw HTML.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An existing alert was about the newest version fetched by the time it was created.
_BACKFILL_VERSION = """
UPDATE alerts SET version_id = COALESCE(
    (SELECT v.id FROM article_versions v
     WHERE v.article_id = alerts.article_id AND v.fetched_at <= alerts.created_at
     ORDER BY v.version DESC LIMIT 1),
    (SELECT v.id FROM article_versions v
     WHERE v.article_id = alerts.article_id ORDER BY v.version LIMIT 1)
)
"""


def upgrade() -> None:
    """Add article_versions.raw_html and alerts.version_id, filling the latter for old alerts."""
    with op.batch_alter_table("article_versions") as batch:
        batch.add_column(sa.Column("raw_html", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("version_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_alerts_version_id_article_versions", "article_versions", ["version_id"], ["id"]
        )
        batch.create_index("ix_alerts_version_id", ["version_id"])
    op.execute(_BACKFILL_VERSION)


def downgrade() -> None:
    """Drop the two columns again."""
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index("ix_alerts_version_id")
        batch.drop_constraint("fk_alerts_version_id_article_versions", type_="foreignkey")
        batch.drop_column("version_id")
    with op.batch_alter_table("article_versions") as batch:
        batch.drop_column("raw_html")
