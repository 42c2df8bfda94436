"""Messaging tables and signing keys.

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
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("private_jwk", sa.JSON, nullable=False),
        sa.Column("public_jwk", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("signs_from", UtcDateTime(), nullable=False),
        sa.Column("retire_after", UtcDateTime()),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
    drop_messaging_tables(op)
