"""Mails sent before redaction existed keep no usable one-time link either.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from portalkit.secrets import redact_links

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    deliveries = sa.table("deliveries", sa.column("id"), sa.column("status"), sa.column("body"), sa.column("html"))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(deliveries.c.id, deliveries.c.body, deliveries.c.html).where(
            deliveries.c.status == "sent", deliveries.c.body.contains("token=")
        )
    ).all()
    for row in rows:
        bind.execute(
            sa.update(deliveries)
            .where(deliveries.c.id == row.id)
            .values(body=redact_links(row.body), html=redact_links(row.html))
        )


def downgrade() -> None:
    """A redacted link cannot be made whole again."""
