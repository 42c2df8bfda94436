"""HTML part of deliveries; partner and application contacts from the other services' events.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("html", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "partner_contacts",
        sa.Column("partner_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
    )
    op.create_table(
        "application_contacts",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("application_contacts")
    op.drop_table("partner_contacts")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("html")
