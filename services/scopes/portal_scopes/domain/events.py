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


@dataclasses.dataclass(frozen=True)
class AccessAnswered(DomainEvent):
    """A school admin answered a request by granting; ``granted`` is what the application may read at the
    schools they decided on. The grants themselves follow as ``scopes.grants.changed``."""

    type = "scopes.access.answered"

    request_id: str
    application_id: str
    application_name: str
    partner_id: str
    email: str
    granted: list[dict]
    answered_at: str


@dataclasses.dataclass(frozen=True)
class AccessReminded(DomainEvent):
    """Halfway through its month, the one reminder of an unanswered request, with a link of its own."""

    type = "scopes.access.reminded"

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
class AccessExpired(DomainEvent):
    type = "scopes.access.expired"

    request_id: str
    application_id: str
    application_name: str
    partner_id: str
    email: str
    sent_at: str
    expired_at: str


@dataclasses.dataclass(frozen=True)
class GrantsExpired(DomainEvent):
    """Published beside the ``scopes.grants.changed`` that removes the ended grants."""

    type = "scopes.grants.expired"

    application_id: str
    application_name: str
    partner_id: str
    expired: list[dict]


@dataclasses.dataclass(frozen=True)
class RenewalDue(DomainEvent):
    """A school admin's reminder that an application's grants at their school end soon, with the one-click
    renewal link."""

    type = "scopes.grants.renewal_due"

    link_id: str
    application_id: str
    application_name: str
    partner_name: str
    institution_number: str
    school_name: str | None
    email: str
    apis: list[str]
    ends_on: str
    renews_until: str
    url: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class GrantsExpiring(DomainEvent):
    """The partner hears which schools' grants end soon and have not been renewed yet."""

    type = "scopes.grants.expiring"

    application_id: str
    application_name: str
    partner_id: str
    schools: list[dict]
