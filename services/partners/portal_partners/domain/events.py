"""Events the partners service publishes (schemas in contracts/events/)."""

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class ProfileCreated(DomainEvent):
    type = "partners.profile.created"

    partner_id: str
    name: str
    email: str
    created_by: str
    language: str = "nl"


@dataclasses.dataclass(frozen=True)
class ProfileChanged(DomainEvent):
    """The profile's e-mail is told; ``active`` among the fields means a moderator (de)activated it."""

    type = "partners.profile.changed"

    partner_id: str
    name: str
    email: str
    changed_fields: list[str]
    changed_by: str
    language: str = "nl"


@dataclasses.dataclass(frozen=True)
class UserLinked(DomainEvent):
    """An account now belongs to a partner: its next tokens carry the partner id."""

    type = "partners.user.linked"

    partner_id: str
    account_id: str


@dataclasses.dataclass(frozen=True)
class UserUnlinked(DomainEvent):
    type = "partners.user.unlinked"

    partner_id: str
    account_id: str
    removed_by: str


@dataclasses.dataclass(frozen=True)
class ProfileDeactivated(DomainEvent):
    """Its members may no longer act for it in any service."""

    type = "partners.profile.deactivated"

    partner_id: str
    changed_by: str


@dataclasses.dataclass(frozen=True)
class ProfileReactivated(DomainEvent):
    type = "partners.profile.reactivated"

    partner_id: str
    changed_by: str
