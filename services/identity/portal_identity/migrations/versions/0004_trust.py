"""Server-side login sessions; revocations and partner memberships as the identity service keeps them
(portalkit.trust), replacing the list of revoked access tokens.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime
from portalkit.trust import create_trust_tables, drop_trust_tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_trust_tables(op)
    op.drop_table("revoked_access_tokens")
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("account_id", sa.String(36), nullable=False, index=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime()),
    )
    with op.batch_alter_table("authorization_codes") as table:
        table.add_column(sa.Column("session_id", sa.String(36)))
    with op.batch_alter_table("refresh_tokens") as table:
        table.add_column(sa.Column("session_id", sa.String(36)))
        table.create_index("ix_refresh_tokens_session_id", ["session_id"])


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.drop_index("ix_refresh_tokens_session_id")
        table.drop_column("session_id")
    with op.batch_alter_table("authorization_codes") as table:
        table.drop_column("session_id")
    op.drop_table("login_sessions")
    op.create_table(
        "revoked_access_tokens",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    )
    drop_trust_tables(op)
