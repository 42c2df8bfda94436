"""Client secrets: who made each, its last 4 characters, and who revoked it when.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client_secrets") as table:
        table.add_column(sa.Column("created_by", sa.String(36)))
        table.add_column(sa.Column("last4", sa.String(4)))
        table.add_column(sa.Column("revoked_at", UtcDateTime()))
        table.add_column(sa.Column("revoked_by", sa.String(36)))


def downgrade() -> None:
    with op.batch_alter_table("client_secrets") as table:
        for column in ("revoked_by", "revoked_at", "last4", "created_by"):
            table.drop_column(column)
