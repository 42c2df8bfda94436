"""Events the apps service publishes (schemas in contracts/events/)."""

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class ApplicationRequested(DomainEvent):
    type = "apps.application.requested"
    version = 1

    application_id: str
    partner_id: str
    name: str
    contact_email: str
    apis: list[str]
    requested_by: str
