"""The partner's and the application's contact addresses, for the school admin's request page.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("partner_names", sa.Column("email", sa.String(320)))
    op.add_column("applications", sa.Column("contact_email", sa.String(320)))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("contact_email")
    with op.batch_alter_table("partner_names") as batch:
        batch.drop_column("email")
