"""What the webhooks service announces."""

from __future__ import annotations

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class EndpointDisabled(DomainEvent):
    """An endpoint failed every attempt of a delivery for the whole retry window and was switched off; the
    notifier mails the application's contact, who fixes the receiver and enables it again."""

    type = "webhooks.endpoint.disabled"

    endpoint_id: str
    application_id: str
    partner_id: str
    url: str
    last_error: str
    failing_since: str
    disabled_at: str
