"""Revocations as this service knows them (portalkit.trust).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from portalkit.trust import create_trust_tables, drop_trust_tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_trust_tables(op, memberships=False)


def downgrade() -> None:
    drop_trust_tables(op, memberships=False)
