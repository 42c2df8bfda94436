"""Several categories per profile: ``profile_categories`` takes over ``profiles.category`` (each profile's
one category becomes its first), indexed by category for the directory's filter.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_categories",
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(50), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_profile_categories_category", "profile_categories", ["category", "partner_id"])
    op.execute("INSERT INTO profile_categories (partner_id, category, position) SELECT id, category, 0 FROM profiles")
    op.drop_index("ix_profiles_category", "profiles")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("category")


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("category", sa.String(50)))
    op.execute(
        "UPDATE profiles SET category = (SELECT category FROM profile_categories"
        " WHERE partner_id = profiles.id ORDER BY position LIMIT 1)"
    )
    with op.batch_alter_table("profiles") as batch:
        batch.alter_column("category", existing_type=sa.String(50), nullable=False)
    op.create_index("ix_profiles_category", "profiles", ["category"])
    op.drop_table("profile_categories")
