"""Grants end with the school year and are reminded before; access requests are reminded and expire.

Grants that exist already end at the end of the current school year (31 August, Brussels).

Revision ID: 0007
Revises: 0006
"""

import datetime as dt
import zoneinfo

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _end_of_this_school_year() -> dt.date:
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Brussels")).date()
    end = dt.date(today.year, 8, 31)
    return end if today <= end else dt.date(today.year + 1, 8, 31)


def upgrade() -> None:
    with op.batch_alter_table("grants") as batch:
        batch.add_column(sa.Column("ends_on", sa.Date))
        batch.add_column(sa.Column("reminded_at", UtcDateTime()))
        batch.add_column(sa.Column("renewed_at", UtcDateTime()))
        batch.add_column(sa.Column("renewed_by", sa.String(36)))
        batch.add_column(sa.Column("expired", sa.Boolean, nullable=False, server_default=sa.false()))
    grants = sa.table("grants", sa.column("ends_on", sa.Date))
    op.execute(grants.update().values(ends_on=_end_of_this_school_year()))
    with op.batch_alter_table("grants") as batch:
        batch.alter_column("ends_on", existing_type=sa.Date, nullable=False)
        batch.create_index("ix_grants_ends_on", ["ends_on"])
    with op.batch_alter_table("access_requests") as batch:
        batch.add_column(sa.Column("reminder_token_hash", sa.String(64)))
        batch.add_column(sa.Column("reminded_at", UtcDateTime()))
        batch.add_column(sa.Column("expired_at", UtcDateTime()))
        batch.create_unique_constraint("uq_access_requests_reminder_token_hash", ["reminder_token_hash"])
    op.create_table(
        "renewal_links",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), nullable=False),
        sa.Column("institution_number", sa.String(10), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime()),
        sa.Column("used_by", sa.String(36)),
    )


def downgrade() -> None:
    op.drop_table("renewal_links")
    with op.batch_alter_table("access_requests") as batch:
        batch.drop_constraint("uq_access_requests_reminder_token_hash", type_="unique")
        batch.drop_column("expired_at")
        batch.drop_column("reminded_at")
        batch.drop_column("reminder_token_hash")
    with op.batch_alter_table("grants") as batch:
        batch.drop_index("ix_grants_ends_on")
        batch.drop_column("expired")
        batch.drop_column("renewed_by")
        batch.drop_column("renewed_at")
        batch.drop_column("reminded_at")
        batch.drop_column("ends_on")
