"""The scopes database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_scopes.domain.schools import School
from portalkit.db import new_metadata
from portalkit.events.outbox import define_messaging_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("institution_number", sa.String(10), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)

mapper_registry.map_imperatively(School, schools)
