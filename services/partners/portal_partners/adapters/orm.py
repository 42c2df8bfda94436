"""The partners database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import deferred, registry, relationship

from portal_partners.domain.invitations import Invitation
from portal_partners.domain.profiles import AuditEntry, Membership, Profile
from portalkit.db import UtcDateTime, new_metadata, trigram_index
from portalkit.events.outbox import define_messaging_tables
from portalkit.people import People, define_people_table
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata, memberships=False)  # revocations only: it acts for no partner
people = People(define_people_table(metadata))  # account id -> e-mail, to name who changed a profile

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False, unique=True),
    sa.Column("enterprise_number", sa.String(10)),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("contact_person", sa.String(200), nullable=False),
    sa.Column("address", sa.JSON, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False),
    sa.Column("website", sa.String(500), nullable=False),
    sa.Column("logo", sa.LargeBinary, nullable=False),
    sa.Column("logo_type", sa.String(20), nullable=False),
    sa.Column("extra_info", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
# The directory's and the moderators' search (any part of name or description) and the directory's order.
trigram_index("ix_profiles_name_trgm", profiles.c.name)
trigram_index("ix_profiles_description_trgm", profiles.c.description)
sa.Index("ix_profiles_listing_order", sa.func.lower(profiles.c.name), profiles.c.id)

# A profile's categories in the partner's order; the directory's filter reads them by category first.
profile_categories = sa.Table(
    "profile_categories",
    metadata,
    sa.Column("partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category", sa.String(50), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_profile_categories_category", "category", "partner_id"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("account_id", sa.String(36), primary_key=True),  # one profile per account
    sa.Column(
        "partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("linked_at", UtcDateTime(), nullable=False),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column(
        "partner_id", sa.String(36), sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("created_by", sa.String(36), nullable=False),
    sa.Column("created_by_email", sa.String(320)),
    sa.Column("hint", sa.String(8)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_by", sa.String(36)),
    sa.Column("used_at", UtcDateTime()),
    sa.Column("withdrawn_by", sa.String(36)),
    sa.Column("withdrawn_at", UtcDateTime()),
)

redeem_failures = sa.Table(
    "redeem_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(36), nullable=False, index=True),
    sa.Column("failed_at", UtcDateTime(), nullable=False),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner_id", sa.String(36), nullable=False, index=True),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Column("field", sa.String(50), nullable=False),
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
)

approved_applications = sa.Table(
    "approved_applications",
    metadata,
    sa.Column("application_id", sa.String(36), primary_key=True),
    sa.Column("partner_id", sa.String(36), nullable=False, index=True),
)


class _ProfileCategory:
    """One row of ``profile_categories``; the domain sees only ``Profile.categories``, a list of names."""

    def __init__(self, category: str):
        self.category = category


mapper_registry.map_imperatively(_ProfileCategory, profile_categories)
mapper_registry.map_imperatively(
    Profile,
    profiles,
    properties={
        "logo": deferred(profiles.c.logo),
        "_category_rows": relationship(
            _ProfileCategory,
            order_by=profile_categories.c.position,
            collection_class=ordering_list("position"),
            cascade="all, delete-orphan",
            lazy="selectin",
        ),
    },
)
Profile.categories = association_proxy("_category_rows", "category")
mapper_registry.map_imperatively(Membership, memberships)
mapper_registry.map_imperatively(Invitation, invitations)
mapper_registry.map_imperatively(AuditEntry, audit_entries)


@sa.event.listens_for(Profile, "load")
@sa.event.listens_for(Membership, "load")
def _fresh_event_list(aggregate: Profile | Membership, _context) -> None:
    aggregate.events = []
