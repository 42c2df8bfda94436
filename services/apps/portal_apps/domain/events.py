"""Events the apps service publishes (schemas in contracts/events/)."""

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class ApplicationRequested(DomainEvent):
    """A new application (or a rejected one, edited) waits for a moderator."""

    type = "apps.application.requested"
    version = 1

    application_id: str
    partner_id: str
    name: str
    contact_email: str
    apis: list[str]
    requested_by: str
    description: str = ""


@dataclasses.dataclass(frozen=True)
class ApplicationApproved(DomainEvent):
    type = "apps.application.approved"

    application_id: str
    partner_id: str
    name: str
    contact_email: str
    approved_by: str


@dataclasses.dataclass(frozen=True)
class ApplicationRejected(DomainEvent):
    type = "apps.application.rejected"

    application_id: str
    partner_id: str
    name: str
    contact_email: str
    reason: str
    rejected_by: str


@dataclasses.dataclass(frozen=True)
class ApplicationArchived(DomainEvent):
    type = "apps.application.archived"

    application_id: str
    partner_id: str
    archived_by: str


@dataclasses.dataclass(frozen=True)
class ApplicationLinked(DomainEvent):
    """Created at once as approved around an existing client (manual 3.3.2)."""

    type = "apps.application.linked"

    application_id: str
    partner_id: str
    client_id: str
    name: str
    apis: list[str]


@dataclasses.dataclass(frozen=True)
class ApplicationChanged(DomainEvent):
    type = "apps.application.changed"

    application_id: str
    partner_id: str
    name: str
    contact_email: str
    changed_fields: list[str]
    changed_by: str
    description: str = ""
    apis: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class ApisUnchecked(DomainEvent):
    """The application no longer uses these APIs: the scopes service removes its grants for them."""

    type = "apps.application.apis_unchecked"

    application_id: str
    partner_id: str
    apis: list[str]
