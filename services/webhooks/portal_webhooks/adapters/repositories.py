"""Repositories: how the service layer reads and stores applications, endpoints and deliveries."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal_webhooks.domain.deliveries import Attempt, Delivery, DeliveryStatus
from portal_webhooks.domain.endpoints import Application, Endpoint
from portalkit.uow import Repository


class Applications(Repository):
    def get(self, application_id: str) -> Application | None:
        return self.session.get(Application, application_id)

    def keep(self, application: Application) -> None:
        self.session.merge(application)


class Endpoints(Repository):
    def get(self, endpoint_id: str) -> Endpoint | None:
        return self._seen(self.session.get(Endpoint, endpoint_id))

    def add(self, endpoint: Endpoint) -> None:
        self.session.add(self._seen(endpoint))

    def delete(self, endpoint: Endpoint) -> None:
        self.session.execute(
            sa.delete(Attempt).where(
                Attempt.delivery_id.in_(sa.select(Delivery.id).where(Delivery.endpoint_id == endpoint.id))
            )
        )
        self.session.execute(sa.delete(Delivery).where(Delivery.endpoint_id == endpoint.id))
        self.session.delete(endpoint)

    def of_application(self, application_id: str) -> list[Endpoint]:
        query = sa.select(Endpoint).where(Endpoint.application_id == application_id).order_by(Endpoint.created_at)
        return [self._seen(endpoint) for endpoint in self.session.scalars(query)]


class Deliveries(Repository):
    def exists(self, event_id: str, endpoint_id: str) -> bool:
        query = sa.select(sa.literal(1)).where(Delivery.event_id == event_id, Delivery.endpoint_id == endpoint_id)
        return self.session.scalar(query) is not None

    def add(self, delivery: Delivery) -> None:
        self.session.add(delivery)

    def get(self, endpoint_id: str, message_id: str) -> Delivery | None:
        query = sa.select(Delivery).where(Delivery.message_id == message_id, Delivery.endpoint_id == endpoint_id)
        return self.session.scalar(query)

    def next_due(self, due_by: dt.datetime) -> Delivery | None:
        """The oldest delivery due by ``due_by`` to an enabled endpoint that has no older delivery still
        pending (one endpoint gets its messages in order) and that no other sender is sending; locked until
        commit."""
        older = aliased(Delivery)
        waiting = sa.exists().where(
            older.endpoint_id == Delivery.endpoint_id, older.status == DeliveryStatus.PENDING, older.id < Delivery.id
        )
        query = (
            sa.select(Delivery)
            .join(Endpoint, Endpoint.id == Delivery.endpoint_id)
            .where(
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at <= due_by,
                Endpoint.enabled.is_(True),
                ~waiting,
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=Delivery)
        )
        return self.session.scalar(query)

    def of_endpoint(self, endpoint_id: str, status: str | None, offset: int, limit: int) -> tuple[list[Delivery], int]:
        query = sa.select(Delivery).where(Delivery.endpoint_id == endpoint_id)
        if status:
            query = query.where(Delivery.status == status)
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        page = query.order_by(Delivery.id.desc()).offset(offset).limit(limit)
        return list(self.session.scalars(page)), total

    def add_attempt(self, attempt: Attempt) -> None:
        self.session.add(attempt)

    def attempts_of(self, delivery: Delivery) -> list[Attempt]:
        query = sa.select(Attempt).where(Attempt.delivery_id == delivery.id).order_by(Attempt.number)
        return list(self.session.scalars(query))
