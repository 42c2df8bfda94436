"""Announce every current membership and every deactivated profile once, so the services that check
membership (apps, scopes, identity: portalkit.trust) start from the facts, not from an empty projection.

Revision ID: 0007
Revises: 0006
"""

import uuid

import sqlalchemy as sa
from alembic import op

from portalkit.events.envelope import Envelope, utcnow
from portalkit.events.outbox import outbox_row

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OUTBOX = sa.table("outbox", sa.column("event_id"), sa.column("type"), sa.column("payload"), sa.column("created_at"))


def _event(event_type: str, data: dict, now: str) -> dict:
    return outbox_row(Envelope(str(uuid.uuid4()), event_type, now, 1, data))


def upgrade() -> None:
    bind = op.get_bind()
    now = utcnow().isoformat().replace("+00:00", "Z")
    members = bind.execute(sa.text("SELECT account_id, partner_id FROM memberships")).all()
    inactive = bind.execute(sa.text("SELECT id FROM profiles WHERE NOT active")).scalars().all()
    rows = [_event("partners.user.linked", {"partner_id": p, "account_id": a}, now) for a, p in members]
    rows += [
        _event("partners.profile.deactivated", {"partner_id": p, "changed_by": "migration"}, now) for p in inactive
    ]
    if rows:
        op.bulk_insert(OUTBOX, rows)


def downgrade() -> None:
    """The announcements were facts already; nothing to take back."""
