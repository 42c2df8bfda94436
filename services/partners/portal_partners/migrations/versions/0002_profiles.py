"""Profiles, memberships, invitations, audit log, approved applications (the directory's source).

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
    op.drop_table("directory_entries")  # the directory is now derived from profiles and approvals
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, unique=True),
        sa.Column("enterprise_number", sa.String(10)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("contact_person", sa.String(200), nullable=False),
        sa.Column("address", sa.JSON, nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("logo", sa.LargeBinary, nullable=False),
        sa.Column("logo_type", sa.String(20), nullable=False),
        sa.Column("extra_info", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_profiles_category", "profiles", ["category"])
    op.create_table(
        "memberships",
        sa.Column("account_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_memberships_partner_id", "memberships", ["partner_id"])
    op.create_table(
        "invitations",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_by", sa.String(36)),
        sa.Column("used_at", UtcDateTime()),
    )
    op.create_table(
        "redeem_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_redeem_failures_account_id", "redeem_failures", ["account_id"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partner_id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(36), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
    )
    op.create_index("ix_audit_entries_partner_id", "audit_entries", ["partner_id"])
    op.create_table(
        "approved_applications",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_approved_applications_partner_id", "approved_applications", ["partner_id"])


def downgrade() -> None:
    for table in (
        "approved_applications",
        "audit_entries",
        "redeem_failures",
        "invitations",
        "memberships",
        "profiles",
    ):
        op.drop_table(table)
