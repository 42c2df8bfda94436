"""Indexes for the directory and the moderators' profile search: trigrams on name and description
(GIN on PostgreSQL, plain on SQLite) and the directory's order.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from portalkit.migrations import enable_trigrams

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TRIGRAMS = {"ix_profiles_name_trgm": "name", "ix_profiles_description_trgm": "description"}


def upgrade() -> None:
    enable_trigrams(op)
    for name, column in TRIGRAMS.items():
        op.create_index(name, "profiles", [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    op.create_index("ix_profiles_listing_order", "profiles", [sa.text("lower(name)"), "id"])


def downgrade() -> None:
    op.drop_index("ix_profiles_listing_order", "profiles")
    for name in TRIGRAMS:
        op.drop_index(name, "profiles")
