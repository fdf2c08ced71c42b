"""Articles keep their author list, where the publish date came from, and the modified date.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add articles.authors, articles.published_source and articles.modified_at (nullable)."""
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("authors", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("published_source", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("modified_at")
        batch.drop_column("published_source")
        batch.drop_column("authors")
