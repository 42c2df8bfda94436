"""Transactional outbox and inbox tables, shared by every service's database.

The outbox row is written in the same transaction as the state change it announces; the inbox row of a
consumed event is written in the same transaction as the change the event causes. That is what makes
"nothing lost, nothing twice" hold without distributed transactions.
"""

from __future__ import annotations

import sqlalchemy as sa

from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.envelope import Envelope, utcnow

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only


def define_messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime()),
        sa.Index(
            "ix_outbox_unsent",
            "seq",
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        ),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("handled_at", UtcDateTime(), nullable=False),
    )
    return outbox, inbox


def create_messaging_tables(op) -> None:
    """Alembic ``upgrade`` step of a service's first migration: the messaging tables, version 1."""
    metadata = new_metadata()
    define_messaging_tables(metadata)
    metadata.create_all(op.get_bind())


def drop_messaging_tables(op) -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")


def outbox_row(envelope: Envelope) -> dict:
    return {
        "event_id": envelope.id,
        "type": envelope.type,
        "payload": envelope.to_json().decode(),
        "created_at": utcnow(),
    }
