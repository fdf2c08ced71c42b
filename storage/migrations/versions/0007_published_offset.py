"""Articles keep the UTC offset their publish time was written with (the outlet's local day).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add articles.published_offset (minutes east of UTC; NULL for rows stored before)."""
    op.add_column("articles", sa.Column("published_offset", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    """Drop it again (a plain DROP COLUMN: `articles` is never rebuilt on SQLite)."""
    op.drop_column("articles", "published_offset")
