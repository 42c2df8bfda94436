"""Status history of applications.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.String(36), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_status_changes_application_id", "status_changes", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_status_changes_application_id", table_name="status_changes")
    op.drop_table("status_changes")
