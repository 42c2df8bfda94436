"""Messaging tables and the directory projection.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime
from portalkit.events.outbox import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "directory_entries",
        sa.Column("partner_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(50), nullable=False, index=True),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("extra_info", sa.Text),
        sa.Column("has_logo", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("approved_apps", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("directory_entries")
    drop_messaging_tables(op)
