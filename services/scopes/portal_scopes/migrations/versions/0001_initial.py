"""Messaging tables and schools.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from portalkit.events.outbox import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "schools",
        sa.Column("institution_number", sa.String(10), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schools")
    drop_messaging_tables(op)
