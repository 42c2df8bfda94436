"""The notifier database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_notifier.domain.mail import ApplicationContact, Delivery, PartnerContact
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata, memberships=False)  # revocations only: it acts for no partner

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("subject", sa.String(500), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), index=True),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("sent_at", UtcDateTime()),
    sa.UniqueConstraint("event_id", "recipient", name="uq_deliveries_event_recipient"),
)

partner_contacts = sa.Table(
    "partner_contacts",
    metadata,
    sa.Column("partner_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
)

application_contacts = sa.Table(
    "application_contacts",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("partner_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("contact_email", sa.String(320), nullable=False),
)

mapper_registry.map_imperatively(Delivery, deliveries)
mapper_registry.map_imperatively(PartnerContact, partner_contacts)
mapper_registry.map_imperatively(ApplicationContact, application_contacts)
