"""Fetch state for conditional and revisit requests, and per-outlet back-off.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create fetch_state and outlet_state."""
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("full_fetch_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("url", name="pk_fetch_state"),
    )
    op.create_index("ix_fetch_state_outlet", "fetch_state", ["outlet"])
    op.create_table(
        "outlet_state",
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("backoff_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backoff_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("outlet", name="pk_outlet_state"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("outlet_state")
    op.drop_index("ix_fetch_state_outlet", table_name="fetch_state")
    op.drop_table("fetch_state")
