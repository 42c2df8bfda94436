"""Events the scopes service publishes (schemas in contracts/events/)."""

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class AccessRequested(DomainEvent):
    type = "scopes.access.requested"

    request_id: str
    application_id: str
    application_name: str
    partner_id: str
    partner_name: str
    email: str
    apis: list[str]
    url: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class GrantsChanged(DomainEvent):
    """The full set of the application's grants after a change, and what was added and removed."""

    type = "scopes.grants.changed"

    application_id: str
    grants_version: int
    grants: list[dict]
    added: list[dict]
    removed: list[dict]


@dataclasses.dataclass(frozen=True)
class AccessDeclined(DomainEvent):
    """A school admin declined a partner's request; ``email`` is the admin's address the request went to."""

    type = "scopes.access.declined"

    request_id: str
    application_id: str
    application_name: str
    partner_id: str
    email: str
    reason: str | None
