"""Messaging tables and mail deliveries.

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
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), index=True),
        sa.Column("claimed_until", UtcDateTime()),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("sent_at", UtcDateTime()),
        sa.UniqueConstraint("event_id", "recipient", name="uq_deliveries_event_recipient"),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
    drop_messaging_tables(op)
