"""Senders hold a delivery's row lock while sending instead of claiming it for two minutes.

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
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("claimed_until")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_until", UtcDateTime()))
