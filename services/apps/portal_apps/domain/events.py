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


@dataclasses.dataclass(frozen=True)
class ApplicationChangeRequested(DomainEvent):
    """An approved application's partner asks for a new name or more APIs; the approved values stay until a
    moderator approves. Not for the scopes service: a pending API must not become grantable."""

    type = "apps.application.change_requested"

    application_id: str
    partner_id: str
    change_id: str
    name: str
    contact_email: str
    proposed_name: str | None
    apis_added: list[str]
    requested_by: str


@dataclasses.dataclass(frozen=True)
class ApplicationChangeApproved(DomainEvent):
    """The new name and APIs are the application's now: the added APIs become grantable."""

    type = "apps.application.change_approved"

    application_id: str
    partner_id: str
    change_id: str
    name: str
    previous_name: str
    contact_email: str
    apis: list[str]
    apis_added: list[str]
    approved_by: str


@dataclasses.dataclass(frozen=True)
class ApplicationChangeRejected(DomainEvent):
    type = "apps.application.change_rejected"

    application_id: str
    partner_id: str
    change_id: str
    name: str
    contact_email: str
    proposed_name: str | None
    apis_added: list[str]
    reason: str
    rejected_by: str
