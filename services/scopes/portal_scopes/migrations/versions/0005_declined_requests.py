"""A school admin may decline an access request, with a reason for the partner.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_requests") as batch:
        batch.add_column(sa.Column("declined", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("decline_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("access_requests") as batch:
        batch.drop_column("decline_reason")
        batch.drop_column("declined")
