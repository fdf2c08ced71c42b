"""Per-outlet boilerplate learning: each article's sentence fingerprints and the learned set.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add articles.sentence_fingerprints and create learned_boilerplate.

    Older articles get no fingerprints here: their text was never stripped, so learning
    computes them from it when it first looks (storage.learned)."""
    op.add_column("articles", sa.Column("sentence_fingerprints", sa.JSON(), nullable=True))
    op.create_table(
        "learned_boilerplate",
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=False),
        sa.Column("first_learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("outlet", "fingerprint", name="pk_learned_boilerplate"),
    )


def downgrade() -> None:
    """Drop both again (a plain DROP COLUMN: `articles` is never rebuilt on SQLite)."""
    op.drop_table("learned_boilerplate")
    op.drop_column("articles", "sentence_fingerprints")
