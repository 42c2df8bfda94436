"""The webhooks service's unit of work and outside world in memory, for the service layer's unit tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from portal_webhooks.adapters.http import Response
from portal_webhooks.adapters.sealing import SealingError
from portal_webhooks.domain.deliveries import Attempt, Delivery, DeliveryStatus, RetryPolicy
from portal_webhooks.domain.endpoints import Application, Endpoint
from portal_webhooks.service_layer.dependencies import Webhooks
from portalkit.testing import FakeUnitOfWork
from portalkit.uow import Repository


class FakeApplications(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[str, Application] = {}

    def get(self, application_id: str) -> Application | None:
        return self.stored.get(application_id)

    def keep(self, application: Application) -> None:
        self.stored[application.application_id] = application


class FakeEndpoints(Repository):
    def __init__(self, deliveries: FakeDeliveries):
        super().__init__(None)
        self.stored: dict[str, Endpoint] = {}
        self._deliveries = deliveries

    def get(self, endpoint_id: str) -> Endpoint | None:
        return self._seen(self.stored.get(endpoint_id))

    def add(self, endpoint: Endpoint) -> None:
        self.stored[endpoint.id] = self._seen(endpoint)

    def delete(self, endpoint: Endpoint) -> None:
        del self.stored[endpoint.id]
        self._deliveries.stored = {k: d for k, d in self._deliveries.stored.items() if d.endpoint_id != endpoint.id}

    def of_application(self, application_id: str) -> list[Endpoint]:
        found = [e for e in self.stored.values() if e.application_id == application_id]
        return [self._seen(e) for e in sorted(found, key=lambda e: e.created_at)]


class FakeDeliveries(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[int, Delivery] = {}
        self.attempts: list[Attempt] = []
        self.endpoints: FakeEndpoints | None = None

    def exists(self, event_id: str, endpoint_id: str) -> bool:
        return any(d.event_id == event_id and d.endpoint_id == endpoint_id for d in self.stored.values())

    def add(self, delivery: Delivery) -> None:
        delivery.id = len(self.stored) + 1
        self.stored[delivery.id] = delivery

    def get(self, endpoint_id: str, message_id: str) -> Delivery | None:
        return next(
            (d for d in self.stored.values() if d.message_id == message_id and d.endpoint_id == endpoint_id), None
        )

    def next_due(self, due_by: dt.datetime) -> Delivery | None:
        def waiting(delivery: Delivery) -> bool:
            return any(
                older.endpoint_id == delivery.endpoint_id
                and older.status == DeliveryStatus.PENDING
                and older.id < delivery.id
                for older in self.stored.values()
            )

        due = [
            d
            for d in self.stored.values()
            if d.status == DeliveryStatus.PENDING
            and d.next_attempt_at <= due_by
            and self.endpoints.stored[d.endpoint_id].enabled
            and not waiting(d)
        ]
        return min(due, key=lambda d: (d.next_attempt_at, d.id), default=None)

    def of_endpoint(self, endpoint_id: str, status: str | None, offset: int, limit: int):
        found = sorted(
            (d for d in self.stored.values() if d.endpoint_id == endpoint_id and (not status or d.status == status)),
            key=lambda d: d.id,
            reverse=True,
        )
        return found[offset : offset + limit], len(found)

    def add_attempt(self, attempt: Attempt) -> None:
        self.attempts.append(attempt)

    def attempts_of(self, delivery: Delivery) -> list[Attempt]:
        return [a for a in self.attempts if a.delivery_id == delivery.id]


class FakeWebhooksUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.applications = FakeApplications()
        self.deliveries = FakeDeliveries()
        self.endpoints = FakeEndpoints(self.deliveries)
        self.deliveries.endpoints = self.endpoints


class FakeSealer:
    """Reversible and visibly not the secret: what matters to the use cases is that they store it sealed.
    ``lost``: the key is gone, nothing opens."""

    def __init__(self):
        self.lost = False

    def seal(self, secret: str) -> str:
        return "sealed:" + secret[::-1]

    def open(self, sealed: str) -> str:
        if self.lost:
            raise SealingError("a webhook secret was sealed with a key that is not configured")
        return sealed.removeprefix("sealed:")[::-1]


@dataclasses.dataclass
class FakeSender:
    """Answers with the queued responses in turn (then 200), and keeps every request."""

    responses: list[Response] = dataclasses.field(default_factory=list)
    requests: list[tuple[str, dict, bytes]] = dataclasses.field(default_factory=list)

    def post(self, url: str, headers: dict[str, str], body: bytes) -> Response:
        self.requests.append((url, headers, body))
        return self.responses.pop(0) if self.responses else Response(200, 12, None, "ok")


class FakeFeed:
    def __init__(self):
        self.announced: list[str] = []

    def announce(self, uow, key: str) -> None:
        self.announced.append(key)

    def subscribe(self, wake) -> None:
        pass


def fake_webhooks(uow: FakeWebhooksUnitOfWork, sender: FakeSender | None = None, **overrides) -> Webhooks:
    values = {
        "unit_of_work": uow,
        "secrets": FakeSealer(),
        "sender": sender or FakeSender(),
        "new_deliveries": FakeFeed(),
        "retry_policy": RetryPolicy((5, 300, 1800), dt.timedelta(hours=24)),
        "secret_overlap": dt.timedelta(hours=24),
        "development": False,
        "poll_seconds": 1.0,
    }
    return Webhooks(**{**values, **overrides})
