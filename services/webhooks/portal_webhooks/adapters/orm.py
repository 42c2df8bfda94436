"""The webhooks database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_webhooks.domain.deliveries import Attempt, Delivery
from portal_webhooks.domain.endpoints import Application, Endpoint
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata)  # partners manage their endpoints: memberships decide who acts for whom

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("partner_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
)

endpoints = sa.Table(
    "endpoints",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("application_id", sa.String(36), nullable=False, index=True),
    sa.Column("partner_id", sa.String(36), nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("sealed_secret", sa.Text, nullable=False),  # Fernet token: encrypted at rest
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("secret_rotated_at", UtcDateTime()),
    sa.Column("sealed_previous_secret", sa.Text),
    sa.Column("previous_secret_expires_at", UtcDateTime()),
    sa.Column("disabled_at", UtcDateTime()),
    sa.Column("disabled_reason", sa.String(20)),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(40), nullable=False, unique=True),
    sa.Column("endpoint_id", sa.String(36), sa.ForeignKey("endpoints.id", ondelete="CASCADE"), nullable=False),
    sa.Column("application_id", sa.String(36), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), index=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("window_attempts", sa.Integer, nullable=False),
    sa.Column("first_attempt_at", UtcDateTime()),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_latency_ms", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime()),
    # Exactly once on our side: a redelivered event finds its delivery to this endpoint recorded.
    sa.UniqueConstraint("event_id", "endpoint_id", name="uq_deliveries_event_endpoint"),
    # The sender's "is an older one of this endpoint still pending?" and the log per endpoint.
    sa.Index("ix_deliveries_endpoint_status_id", "endpoint_id", "status", "id"),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "delivery_id", sa.Integer, sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("attempted_at", UtcDateTime(), nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("latency_ms", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("response_excerpt", sa.Text),
)

mapper_registry.map_imperatively(Application, applications)
mapper_registry.map_imperatively(Endpoint, endpoints)
mapper_registry.map_imperatively(Delivery, deliveries)
mapper_registry.map_imperatively(Attempt, attempts)


@sa.event.listens_for(Endpoint, "load")
def _fresh_event_list(endpoint: Endpoint, _context) -> None:
    endpoint.events = []
