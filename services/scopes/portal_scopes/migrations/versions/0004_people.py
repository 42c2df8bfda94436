"""Who an account id is (portalkit.people): to name who acted in the ledger.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from portalkit.people import create_people_table, drop_people_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_people_table(op)


def downgrade() -> None:
    drop_people_table(op)
