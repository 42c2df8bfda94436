"""What the webhooks service does with each event it hears: keep whose applications are whose, and record
one delivery per (event, endpoint) that wants it, in the consumer's transaction (the inbox makes that
exactly once; the unique (event, endpoint) key makes it so even for a handler run twice)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from portal_webhooks.domain import payloads
from portal_webhooks.domain.deliveries import Delivery
from portal_webhooks.domain.endpoints import Application
from portal_webhooks.service_layer.dependencies import Webhooks
from portal_webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from portalkit.events.envelope import Envelope, utcnow

EventHandler = Callable[[Webhooks, WebhooksUnitOfWork, Envelope], None]

APPLICATION_EVENTS = (
    "apps.application.requested",
    "apps.application.approved",
    "apps.application.rejected",
    "apps.application.change_approved",
    "apps.application.linked",
)


def keep_application(webhooks: Webhooks, uow: WebhooksUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    uow.applications.keep(Application(data["application_id"], data["partner_id"], data["name"]))


def record_deliveries(webhooks: Webhooks, uow: WebhooksUnitOfWork, envelope: Envelope) -> None:
    webhook_type, body = payloads.from_event(envelope.type, envelope.occurred_at, envelope.data)
    now, recorded = utcnow(), False
    for endpoint in uow.endpoints.of_application(envelope.data["application_id"]):
        if endpoint.wants(webhook_type) and not uow.deliveries.exists(envelope.id, endpoint.id):
            uow.deliveries.add(Delivery.of(endpoint.id, endpoint.application_id, envelope.id, webhook_type, body, now))
            recorded = True
    if recorded:
        webhooks.new_deliveries.announce(uow, envelope.id)


def _both(first: EventHandler, second: EventHandler) -> EventHandler:
    def handle(webhooks: Webhooks, uow: WebhooksUnitOfWork, envelope: Envelope) -> None:
        first(webhooks, uow, envelope)
        second(webhooks, uow, envelope)

    return handle


HANDLERS: dict[str, EventHandler] = {
    **{event_type: keep_application for event_type in APPLICATION_EVENTS},
    **{source: record_deliveries for source in payloads.BY_SOURCE},
}
for _source in set(APPLICATION_EVENTS) & set(payloads.BY_SOURCE):
    HANDLERS[_source] = _both(keep_application, record_deliveries)


def bound_to(webhooks: Webhooks) -> dict[str, Callable[[WebhooksUnitOfWork, Envelope], None]]:
    """Every handler as the consumer calls it: ``handler(uow, envelope)``."""
    return {event_type: functools.partial(handle, webhooks) for event_type, handle in HANDLERS.items()}
