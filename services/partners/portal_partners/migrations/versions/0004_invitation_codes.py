"""Invitation codes a profile's members can list and withdraw, with who made them (issue 14).

Open codes whose maker is no longer a member of the profile are withdrawn: they are how a removed
member came back.

Revision ID: 0004
Revises: 0003
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

from portalkit.db import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

invitations = sa.table(
    "invitations",
    sa.column("code_hash", sa.String),
    sa.column("id", sa.String),
    sa.column("partner_id", sa.String),
    sa.column("created_by", sa.String),
    sa.column("created_by_email", sa.String),
    sa.column("used_at", UtcDateTime()),
    sa.column("withdrawn_at", UtcDateTime()),
)
memberships = sa.table(
    "memberships", sa.column("account_id", sa.String), sa.column("partner_id", sa.String), sa.column("email", sa.String)
)


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("id", sa.String(36)))
        batch.add_column(sa.Column("created_by_email", sa.String(320)))
        batch.add_column(sa.Column("hint", sa.String(8)))
        batch.add_column(sa.Column("withdrawn_by", sa.String(36)))
        batch.add_column(sa.Column("withdrawn_at", UtcDateTime()))
    connection = op.get_bind()
    for code_hash in connection.scalars(sa.select(invitations.c.code_hash)).all():
        connection.execute(
            invitations.update().where(invitations.c.code_hash == code_hash).values(id=str(uuid.uuid4()))
        )
    maker_email = (
        sa.select(memberships.c.email).where(memberships.c.account_id == invitations.c.created_by).scalar_subquery()
    )
    connection.execute(invitations.update().values(created_by_email=maker_email))
    maker_is_member = (
        sa.select(sa.literal(1))
        .where(memberships.c.account_id == invitations.c.created_by)
        .where(memberships.c.partner_id == invitations.c.partner_id)
        .exists()
    )
    connection.execute(
        invitations.update()
        .where(invitations.c.used_at.is_(None), ~maker_is_member)
        .values(withdrawn_at=dt.datetime.now(dt.UTC))
    )
    with op.batch_alter_table("invitations") as batch:
        batch.alter_column("id", existing_type=sa.String(36), nullable=False)
        batch.create_unique_constraint("uq_invitations_id", ["id"])
        batch.create_index("ix_invitations_partner_id", ["partner_id"])


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_index("ix_invitations_partner_id")
        batch.drop_constraint("uq_invitations_id", type_="unique")
        for column in ("withdrawn_at", "withdrawn_by", "hint", "created_by_email", "id"):
            batch.drop_column(column)
