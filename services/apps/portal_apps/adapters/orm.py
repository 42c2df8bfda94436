"""The apps database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from portal_apps.domain.model import Application, PendingChange, StatusChange
from portalkit.db import UtcDateTime, new_metadata, trigram_index
from portalkit.events.outbox import define_messaging_tables
from portalkit.people import People, define_people_table
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata)
people = People(define_people_table(metadata))  # account id -> e-mail, to name who acted

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("partner_id", sa.String(36), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("technical_contact", sa.String(200), nullable=False),
    sa.Column("contact_email", sa.String(320), nullable=False),
    sa.Column("apis", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("client_id", sa.String(100), unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
# The moderators' search: any part of name or description, newest first.
trigram_index("ix_applications_name_trgm", applications.c.name)
trigram_index("ix_applications_description_trgm", applications.c.description)
sa.Index("ix_applications_created_at", applications.c.created_at, applications.c.id)
# The API filter matches the JSON text; this index gives PostgreSQL statistics on that text, so it estimates
# the filter (about one in three) instead of guessing "a few rows" and sorting them all.
sa.Index("ix_applications_apis_text", sa.cast(applications.c.apis, sa.String))

status_changes = sa.Table(
    "status_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "application_id",
        sa.String(36),
        sa.ForeignKey("applications.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("from_status", sa.String(16)),
    sa.Column("to_status", sa.String(16), nullable=False),
    sa.Column("changed_by", sa.String(36), nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("kind", sa.String(24), nullable=False, server_default="status"),
    sa.Column("details", sa.JSON),
)

# One row at most per application: the change waiting for a moderator.
pending_changes = sa.Table(
    "pending_changes",
    metadata,
    sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("name", sa.String(200)),
    sa.Column("apis_added", sa.JSON, nullable=False),
    sa.Column("requested_by", sa.String(36), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False, index=True),
)

partner_names = sa.Table(
    "partner_names",
    metadata,
    sa.Column("partner_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)
trigram_index("ix_partner_names_name_trgm", partner_names.c.name)

mapper_registry.map_imperatively(StatusChange, status_changes)
mapper_registry.map_imperatively(PendingChange, pending_changes)
mapper_registry.map_imperatively(
    Application,
    applications,
    properties={
        "history": relationship(
            StatusChange, cascade="all, delete-orphan", lazy="selectin", order_by=status_changes.c.id
        ),
        "pending_change": relationship(PendingChange, uselist=False, cascade="all, delete-orphan", lazy="selectin"),
    },
)


@sa.event.listens_for(Application, "load")
def _fresh_event_list(application: Application, _context) -> None:
    application.events = []
    application.partner_name = None
