"""Outlet health: each outlet's run history, its state changes, and health notices in the outbox.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = ("discovered", "fetched", "new", "updated", "failed", "not_article", "blocked",
           "short", "responses", "not_modified")  # fmt: skip


def upgrade() -> None:
    """Create outlet_runs and outlet_health; let an outbox row be about a health change."""
    op.create_table(
        "outlet_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outlet_runs"),
    )
    op.create_index("ix_outlet_runs_outlet_run_at", "outlet_runs", ["outlet", "run_at"])
    op.create_table(
        "outlet_health",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("outlet", sa.String(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("previous", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outlet_health"),
        sa.UniqueConstraint("key", name="uq_outlet_health_key"),
    )
    op.create_index("ix_outlet_health_outlet", "outlet_health", ["outlet"])
    # Nothing references `alerts`, so rebuilding it on SQLite (for the CHECK) is safe.
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("article_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("health_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_alerts_health_event_id_outlet_health", "outlet_health",
            ["health_event_id"], ["id"],
        )  # fmt: skip
        batch.create_check_constraint(
            "ck_alerts_subject", "article_id IS NOT NULL OR health_event_id IS NOT NULL"
        )


def downgrade() -> None:
    """Drop health notices from the outbox, then the health tables."""
    op.execute("DELETE FROM alerts WHERE article_id IS NULL")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint("ck_alerts_subject", type_="check")
        batch.drop_constraint("fk_alerts_health_event_id_outlet_health", type_="foreignkey")
        batch.drop_column("health_event_id")
        batch.alter_column("article_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_outlet_health_outlet", table_name="outlet_health")
    op.drop_table("outlet_health")
    op.drop_index("ix_outlet_runs_outlet_run_at", table_name="outlet_runs")
    op.drop_table("outlet_runs")
