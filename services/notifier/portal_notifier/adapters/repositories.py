"""Repositories: how the service layer reads and stores deliveries and contacts, without writing SQL itself."""

import datetime as dt

import sqlalchemy as sa

from portal_notifier.domain.mail import ApplicationContact, Delivery, DeliveryStatus, PartnerContact
from portalkit.uow import Repository


class Deliveries(Repository):
    def exists(self, event_id: str, recipient: str) -> bool:
        query = sa.select(sa.literal(1)).where(Delivery.event_id == event_id, Delivery.recipient == recipient)
        return self.session.scalar(query) is not None

    def add(self, delivery: Delivery) -> None:
        self.session.add(delivery)

    def get(self, delivery_id: int) -> Delivery | None:
        return self.session.get(Delivery, delivery_id)

    def next_due(self, due_by: dt.datetime) -> Delivery | None:
        """The oldest pending delivery due by ``due_by`` that no other sender is sending, locked until commit."""
        query = (
            sa.select(Delivery)
            .where(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= due_by)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalar(query)

    def recent(self, status: str | None, recipient: str | None, offset: int, limit: int) -> tuple[list[Delivery], int]:
        query = sa.select(Delivery)
        if status:
            query = query.where(Delivery.status == status)
        if recipient:
            query = query.where(sa.func.lower(Delivery.recipient).contains(recipient.strip().lower(), autoescape=True))
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        page = query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).offset(offset).limit(limit)
        return list(self.session.scalars(page)), total


class Contacts(Repository):
    """Who to write to about a partner or an application, kept current from events."""

    def partner(self, partner_id: str) -> PartnerContact | None:
        return self.session.get(PartnerContact, partner_id)

    def application(self, application_id: str) -> ApplicationContact | None:
        return self.session.get(ApplicationContact, application_id)

    def keep_partner(self, contact: PartnerContact) -> None:
        self.session.merge(contact)

    def keep_application(self, contact: ApplicationContact) -> None:
        self.session.merge(contact)
