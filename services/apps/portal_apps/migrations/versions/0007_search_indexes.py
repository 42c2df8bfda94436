"""Indexes for the moderators' search: trigrams on the applications' names and descriptions and on the
partners' names (GIN on PostgreSQL, plain on SQLite), the newest-first order, and the APIs' text (whose
statistics let PostgreSQL estimate the API filter).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from portalkit.migrations import enable_trigrams

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TRIGRAMS = {
    "ix_applications_name_trgm": ("applications", "name"),
    "ix_applications_description_trgm": ("applications", "description"),
    "ix_partner_names_name_trgm": ("partner_names", "name"),
}


def upgrade() -> None:
    enable_trigrams(op)
    for name, (table, column) in TRIGRAMS.items():
        op.create_index(name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    op.create_index("ix_applications_created_at", "applications", ["created_at", "id"])
    op.create_index("ix_applications_apis_text", "applications", [sa.text("CAST(apis AS VARCHAR)")])
    if op.get_bind().dialect.name == "postgresql":
        # A finer histogram of the texts, so PostgreSQL sees that a rare word is rare and reads it from the
        # trigram indexes (with the default one it guesses 1 % and reads the whole table).
        _statistics(300)


def _statistics(target: int) -> None:
    op.execute(
        f"ALTER TABLE applications ALTER COLUMN name SET STATISTICS {target}, "
        f"ALTER COLUMN description SET STATISTICS {target}"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _statistics(-1)
    op.drop_index("ix_applications_apis_text", "applications")
    op.drop_index("ix_applications_created_at", "applications")
    for name, (table, _column) in TRIGRAMS.items():
        op.drop_index(name, table)
