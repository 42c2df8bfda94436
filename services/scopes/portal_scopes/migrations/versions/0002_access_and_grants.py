"""Applications and partner names (projections), access requests, grants.

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
        "applications",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("apis", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("grants_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_applications_partner_id", "applications", ["partner_id"])
    op.create_table(
        "partner_names",
        sa.Column("partner_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "access_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("partner_id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("requested_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("answered_at", UtcDateTime()),
        sa.Column("answered_by", sa.String(36)),
    )
    op.create_index("ix_access_requests_application_id", "access_requests", ["application_id"])
    op.create_table(
        "grants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("institution_number", sa.String(10), nullable=False),
        sa.Column("api", sa.String(50), nullable=False),
        sa.Column("granted_at", UtcDateTime(), nullable=False),
        sa.Column("granted_by", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36)),
        sa.Column("carried_over", sa.Boolean, nullable=False),
        sa.Column("revoked_at", UtcDateTime()),
        sa.Column("revoked_by", sa.String(36)),
    )
    op.create_index("ix_grants_application_id", "grants", ["application_id"])
    op.create_index("ix_grants_institution_number", "grants", ["institution_number"])
    op.create_index(
        "uq_grants_active",
        "grants",
        ["application_id", "institution_number", "api"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )


def downgrade() -> None:
    for table in ("grants", "access_requests", "partner_names", "applications"):
        op.drop_table(table)
