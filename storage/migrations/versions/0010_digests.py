"""Digests: an outbox row can be owed in a digest, and records how it was sent.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add alerts.digest (owed in the next digest, in one at the end of the run, or sent in
    one) and alerts.sent_as (alert or digest); every existing row was sent or is owed alone."""
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("digest", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("sent_as", sa.String(length=8), nullable=True))
    op.create_index("ix_alerts_channel_sent_at", "alerts", ["channel", "sent_at"])


def downgrade() -> None:
    """Drop the digest columns: alerts owed in a digest are owed alone again (none is lost)."""
    op.drop_index("ix_alerts_channel_sent_at", table_name="alerts")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("sent_as")
        batch.drop_column("digest")
