"""Alert evidence: where each term matched and the matched words' place in the snippet.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add alerts.evidence (NULL on existing rows: they render without highlights)."""
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop alerts.evidence (the alerts keep their terms and snippet)."""
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("evidence")
