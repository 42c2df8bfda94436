"""Pending changes of approved applications, and history entries for edits and decisions.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as table:
        table.add_column(sa.Column("kind", sa.String(24), nullable=False, server_default="status"))
        table.add_column(sa.Column("details", sa.JSON))
    op.create_table(
        "pending_changes",
        sa.Column(
            "application_id",
            sa.String(36),
            sa.ForeignKey("applications.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(200)),
        sa.Column("apis_added", sa.JSON, nullable=False),
        sa.Column("requested_by", sa.String(36), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_pending_changes_requested_at", "pending_changes", ["requested_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_changes_requested_at", table_name="pending_changes")
    op.drop_table("pending_changes")
    with op.batch_alter_table("status_changes") as table:
        table.drop_column("details")
        table.drop_column("kind")
