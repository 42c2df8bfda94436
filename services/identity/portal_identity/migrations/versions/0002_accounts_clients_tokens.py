"""Accounts, clients, secrets, grants, codes, refresh tokens, revocations, throttles.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("institutions", sa.JSON, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("partner_id", sa.String(36), index=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("activated_at", UtcDateTime()),
        sa.Column("terms_accepted_at", UtcDateTime()),
    )
    op.create_table(
        "account_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime()),
    )
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", UtcDateTime(), nullable=False),
        sa.Column("locked_until", UtcDateTime()),
    )
    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("application_id", sa.String(36), unique=True),
        sa.Column("partner_id", sa.String(36), index=True),
        sa.Column("redirect_uris", sa.JSON, nullable=False),
        sa.Column("jwks", sa.JSON),
        sa.Column("jwks_uri", sa.String(500)),
        sa.Column("grants_version", sa.BigInteger, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "client_secrets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(100), sa.ForeignKey("clients.client_id", ondelete="CASCADE"), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime()),
    )
    op.create_table(
        "client_grants",
        sa.Column(
            "client_id", sa.String(100), sa.ForeignKey("clients.client_id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("api", sa.String(50), primary_key=True),
        sa.Column("institution", sa.String(10), primary_key=True),
    )
    op.create_table(
        "authorization_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("code_challenge", sa.String(128), nullable=False),
        sa.Column("code_challenge_method", sa.String(10), nullable=False),
        sa.Column("nonce", sa.String(200)),
        sa.Column("auth_time", sa.Integer, nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("family_id", sa.String(36), nullable=False, index=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False, index=True),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("rotated_at", UtcDateTime()),
        sa.Column("revoked_at", UtcDateTime()),
    )
    op.create_table(
        "revoked_access_tokens",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    )
    op.create_table(
        "assertion_jtis",
        sa.Column("client_id", sa.String(100), primary_key=True),
        sa.Column("jti", sa.String(200), primary_key=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    for table in (
        "assertion_jtis",
        "revoked_access_tokens",
        "refresh_tokens",
        "authorization_codes",
        "client_grants",
        "client_secrets",
        "clients",
        "login_throttles",
        "account_tokens",
        "accounts",
        "server_secrets",
    ):
        op.drop_table(table)
