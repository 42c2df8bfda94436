"""The partners database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_partners.domain.directory import DirectoryEntry
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)

directory_entries = sa.Table(
    "directory_entries",
    metadata,
    sa.Column("partner_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("category", sa.String(50), nullable=False, index=True),
    sa.Column("website", sa.String(500), nullable=False),
    sa.Column("extra_info", sa.Text),
    sa.Column("has_logo", sa.Boolean, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("approved_apps", sa.Integer, nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

mapper_registry.map_imperatively(DirectoryEntry, directory_entries)
