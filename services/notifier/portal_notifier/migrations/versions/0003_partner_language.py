"""The language a partner's mails are written in.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partner_contacts") as batch:
        batch.add_column(sa.Column("language", sa.String(2), nullable=False, server_default="nl"))


def downgrade() -> None:
    with op.batch_alter_table("partner_contacts") as batch:
        batch.drop_column("language")
