"""Use cases of the webhooks service: a partner's endpoints and their deliveries, and the sender.

Deliveries are recorded in the consumer's transaction (with the inbox row, :mod:`.events`) and sent
afterwards, one per transaction that holds its row lock while the receiver answers (``FOR UPDATE SKIP
LOCKED``, as the notifier sends mail): a redelivered event finds its deliveries recorded, a slow or broken
receiver only delays its own endpoint, and a crashed sender's lock goes with its connection. At least once:
a sender that dies after the receiver answered but before the commit sends again, with the same
``webhook-id``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable

from portal_webhooks.adapters.http import Response
from portal_webhooks.adapters.sealing import SealingError
from portal_webhooks.domain import payloads, signing
from portal_webhooks.domain.deliveries import Attempt, Delivery
from portal_webhooks.domain.endpoints import Application, Endpoint
from portal_webhooks.service_layer.dependencies import Webhooks
from portal_webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from portalkit.events.envelope import utcnow
from portalkit.worker import due_work_loop

log = logging.getLogger("portal_webhooks")

UnitOfWorkFactory = Callable[[], WebhooksUnitOfWork]


class NotFound(LookupError):
    """No such application, endpoint or delivery for this partner (another partner's look the same)."""


@dataclasses.dataclass(frozen=True)
class Revealed:
    """An endpoint and its new signing secret: shown in this one answer, never again."""

    endpoint: Endpoint
    secret: str


@dataclasses.dataclass(frozen=True)
class DeliveryDetail:
    delivery: Delivery
    attempts: list[Attempt]


def _application(uow: WebhooksUnitOfWork, partner_id: str, application_id: str) -> Application:
    application = uow.applications.get(application_id)
    if application is None or application.partner_id != partner_id:
        raise NotFound(application_id)
    return application


def _endpoint(uow: WebhooksUnitOfWork, partner_id: str, endpoint_id: str) -> Endpoint:
    endpoint = uow.endpoints.get(endpoint_id)
    if endpoint is None or endpoint.partner_id != partner_id:
        raise NotFound(endpoint_id)
    return endpoint


def _delivery(uow: WebhooksUnitOfWork, partner_id: str, endpoint_id: str, message_id: str) -> Delivery:
    _endpoint(uow, partner_id, endpoint_id)
    delivery = uow.deliveries.get(endpoint_id, message_id)
    if delivery is None:
        raise NotFound(message_id)
    return delivery


# -- endpoints ------------------------------------------------------------------------------------
def create_endpoint(
    webhooks: Webhooks, partner_id: str, application_id: str, url: str, description: str, event_types: list[str]
) -> Revealed:
    secret = signing.new_secret()
    with webhooks.unit_of_work() as uow:
        application = _application(uow, partner_id, application_id)
        endpoint = Endpoint.register(
            application,
            url,
            description,
            event_types,
            webhooks.secrets.seal(secret),
            utcnow(),
            development=webhooks.development,
            existing=len(uow.endpoints.of_application(application_id)),
        )
        uow.endpoints.add(endpoint)
        uow.commit()
    return Revealed(endpoint, secret)


def endpoints_of(unit_of_work: UnitOfWorkFactory, partner_id: str, application_id: str) -> list[Endpoint]:
    with unit_of_work() as uow:
        _application(uow, partner_id, application_id)
        return uow.endpoints.of_application(application_id)


def endpoint(unit_of_work: UnitOfWorkFactory, partner_id: str, endpoint_id: str) -> Endpoint:
    with unit_of_work() as uow:
        return _endpoint(uow, partner_id, endpoint_id)


def change_endpoint(webhooks: Webhooks, partner_id: str, endpoint_id: str, changes: dict) -> Endpoint:
    """``changes``: any of url, description, event_types, enabled."""
    with webhooks.unit_of_work() as uow:
        found = _endpoint(uow, partner_id, endpoint_id)
        found.change(utcnow(), development=webhooks.development, **changes)
        if found.enabled:
            webhooks.new_deliveries.announce(uow, endpoint_id)  # what waited while it was disabled goes out now
        uow.commit()
        return found


def delete_endpoint(unit_of_work: UnitOfWorkFactory, partner_id: str, endpoint_id: str) -> None:
    with unit_of_work() as uow:
        uow.endpoints.delete(_endpoint(uow, partner_id, endpoint_id))
        uow.commit()


def rotate_secret(webhooks: Webhooks, partner_id: str, endpoint_id: str) -> Revealed:
    secret = signing.new_secret()
    with webhooks.unit_of_work() as uow:
        found = _endpoint(uow, partner_id, endpoint_id)
        found.rotate_secret(webhooks.secrets.seal(secret), utcnow(), webhooks.secret_overlap)
        uow.commit()
        return Revealed(found, secret)


# -- deliveries -----------------------------------------------------------------------------------
def deliveries_of(
    unit_of_work: UnitOfWorkFactory, partner_id: str, endpoint_id: str, status: str | None, offset: int, limit: int
) -> tuple[list[Delivery], int]:
    with unit_of_work() as uow:
        _endpoint(uow, partner_id, endpoint_id)
        return uow.deliveries.of_endpoint(endpoint_id, status, offset, limit)


def delivery(unit_of_work: UnitOfWorkFactory, partner_id: str, endpoint_id: str, message_id: str) -> DeliveryDetail:
    with unit_of_work() as uow:
        found = _delivery(uow, partner_id, endpoint_id, message_id)
        return DeliveryDetail(found, uow.deliveries.attempts_of(found))


def redeliver(webhooks: Webhooks, partner_id: str, endpoint_id: str, message_id: str) -> Delivery:
    """The same message (same ``webhook-id`` and body) once more, as Standard Webhooks expects of a retry."""
    with webhooks.unit_of_work() as uow:
        found = _delivery(uow, partner_id, endpoint_id, message_id)
        uow.endpoints.get(endpoint_id).ensure_enabled()
        found.redeliver(utcnow())
        webhooks.new_deliveries.announce(uow, message_id)
        uow.commit()
        return found


def send_test(webhooks: Webhooks, partner_id: str, endpoint_id: str) -> Delivery:
    now = utcnow()
    with webhooks.unit_of_work() as uow:
        found = _endpoint(uow, partner_id, endpoint_id)
        found.ensure_enabled()
        body = payloads.test_body(found.application_id, found.id, now.isoformat().replace("+00:00", "Z"))
        test = Delivery.of(found.id, found.application_id, str(uuid.uuid4()), payloads.TEST, body, now)
        uow.deliveries.add(test)
        webhooks.new_deliveries.announce(uow, test.message_id)
        uow.commit()
        return test


def send_due(webhooks: Webhooks, *, limit: int = 20) -> int:
    """Send up to ``limit`` deliveries due now, each locked by its own transaction; return how many were tried."""
    started, tried = utcnow(), 0
    while tried < limit:
        with webhooks.unit_of_work() as uow:
            due = uow.deliveries.next_due(started)  # a failure is due again later than this
            if due is None:
                break
            target = uow.endpoints.get(due.endpoint_id)
            now = utcnow()
            body = due.body.encode()
            try:
                secrets = [webhooks.secrets.open(sealed) for sealed in target.signing_secrets(now)]
            except SealingError as error:  # a failed attempt of its own: it must not hold up the others
                response = Response(None, 0, str(error), None)
            else:
                headers = signing.headers(secrets, due.message_id, int(now.timestamp()), body)
                response = webhooks.sender.post(target.url, headers, body)
            attempt = due.attempt(now, response.status_code, response.latency_ms, response.error, response.excerpt)
            uow.deliveries.add_attempt(attempt)
            if due.record(attempt, webhooks.retry_policy):
                target.disable_after_failures(utcnow(), attempt.error or "", due.first_attempt_at)
                log.warning("webhook endpoint %s disabled after failing since %s", target.id, due.first_attempt_at)
            elif attempt.error:
                log.warning("webhook %s to endpoint %s failed (%s)", due.message_id, target.id, attempt.error)
            uow.commit()
        tried += 1
    return tried


def webhook_sender(webhooks: Webhooks) -> Callable[[threading.Event], None]:
    """The loop that sends what is due: woken by newly recorded deliveries, polling for retries that came due."""
    return due_work_loop(
        "webhook sender", lambda: send_due(webhooks), webhooks.new_deliveries.subscribe, webhooks.poll_seconds
    )
