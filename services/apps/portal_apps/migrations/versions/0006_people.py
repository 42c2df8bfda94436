"""Who an account id is (portalkit.people): to name who acted in the history.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from portalkit.people import create_people_table, drop_people_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_people_table(op)


def downgrade() -> None:
    drop_people_table(op)
