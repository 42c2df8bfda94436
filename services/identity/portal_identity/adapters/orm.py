"""The identity database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry

from portal_identity.domain.keys import SigningKey
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("algorithm", sa.String(16), nullable=False),
    sa.Column("private_jwk", sa.JSON, nullable=False),
    sa.Column("public_jwk", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("signs_from", UtcDateTime(), nullable=False),
    sa.Column("retire_after", UtcDateTime()),
)

mapper_registry.map_imperatively(SigningKey, signing_keys)
