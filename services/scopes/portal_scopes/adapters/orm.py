"""The scopes database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_scopes.domain.access import AccessRequest, Grant, PartnerName, RenewalLink, ScopesApplication
from portal_scopes.domain.schools import School
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables
from portalkit.people import People, define_people_table
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata)
people = People(define_people_table(metadata))  # account id -> e-mail, to name who granted and revoked

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("institution_number", sa.String(10), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("partner_id", sa.String(36), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("apis", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("grants_version", sa.Integer, nullable=False),
    sa.Column("contact_email", sa.String(320)),
)

partner_names = sa.Table(
    "partner_names",
    metadata,
    sa.Column("partner_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320)),
)

access_requests = sa.Table(
    "access_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("application_id", sa.String(36), nullable=False, index=True),
    sa.Column("partner_id", sa.String(36), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("requested_by", sa.String(36), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("answered_at", UtcDateTime()),
    sa.Column("answered_by", sa.String(36)),
    sa.Column("declined", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("decline_reason", sa.Text),
    sa.Column("reminder_token_hash", sa.String(64), unique=True),
    sa.Column("reminded_at", UtcDateTime()),
    sa.Column("expired_at", UtcDateTime()),
)

grants = sa.Table(
    "grants",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("application_id", sa.String(36), nullable=False, index=True),
    sa.Column("institution_number", sa.String(10), nullable=False, index=True),
    sa.Column("api", sa.String(50), nullable=False),
    sa.Column("granted_at", UtcDateTime(), nullable=False),
    sa.Column("granted_by", sa.String(36), nullable=False),
    sa.Column("request_id", sa.String(36)),
    sa.Column("carried_over", sa.Boolean, nullable=False),
    sa.Column("revoked_at", UtcDateTime()),
    sa.Column("revoked_by", sa.String(36)),
    sa.Column("ends_on", sa.Date, nullable=False, index=True),
    sa.Column("reminded_at", UtcDateTime()),
    sa.Column("renewed_at", UtcDateTime()),
    sa.Column("renewed_by", sa.String(36)),
    sa.Column("expired", sa.Boolean, nullable=False, server_default=sa.false()),
    # One active grant per (application, school, API), whoever grants it at the same moment.
    sa.Index(
        "uq_grants_active",
        "application_id",
        "institution_number",
        "api",
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    ),
)

renewal_links = sa.Table(
    "renewal_links",
    metadata,
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

mapper_registry.map_imperatively(School, schools)
mapper_registry.map_imperatively(ScopesApplication, applications)
mapper_registry.map_imperatively(PartnerName, partner_names)
mapper_registry.map_imperatively(AccessRequest, access_requests)
mapper_registry.map_imperatively(Grant, grants)
mapper_registry.map_imperatively(RenewalLink, renewal_links)


@sa.event.listens_for(ScopesApplication, "load")
def _fresh_event_list(application: ScopesApplication, _context) -> None:
    application.events = []
