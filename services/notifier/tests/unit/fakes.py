"""The notifier's unit of work and outside world in memory, for the service layer's unit tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from portal_notifier.adapters.templates import MailTemplates
from portal_notifier.domain.compose import Context
from portal_notifier.domain.mail import ApplicationContact, Delivery, DeliveryStatus, Mail, PartnerContact
from portal_notifier.service_layer.dependencies import Notifier
from portalkit.testing import FakeUnitOfWork
from portalkit.uow import Repository

MODERATORS = ("mod1@partnerportaal.example", "mod2@partnerportaal.example")
PUBLIC_URL = "https://portal.test"


class FakeDeliveries(Repository):
    def __init__(self):
        super().__init__(None)
        self.stored: dict[int, Delivery] = {}

    def exists(self, event_id: str, recipient: str) -> bool:
        return any(d.event_id == event_id and d.recipient == recipient for d in self.stored.values())

    def add(self, delivery: Delivery) -> None:
        delivery.id = len(self.stored) + 1
        self.stored[delivery.id] = delivery

    def get(self, delivery_id: int) -> Delivery | None:
        return self.stored.get(delivery_id)

    def next_due(self, due_by: dt.datetime) -> Delivery | None:
        due = [
            d
            for d in self.stored.values()
            if d.status == DeliveryStatus.PENDING and d.next_attempt_at is not None and d.next_attempt_at <= due_by
        ]
        return min(due, key=lambda d: (d.next_attempt_at, d.id), default=None)

    def recent(self, status: str | None, recipient: str | None, offset: int, limit: int) -> tuple[list[Delivery], int]:
        wanted = (recipient or "").strip().lower()
        found = sorted(
            (d for d in self.stored.values() if (not status or d.status == status) and wanted in d.recipient.lower()),
            key=lambda d: (d.created_at, d.id),
            reverse=True,
        )
        return found[offset : offset + limit], len(found)


class FakeContacts(Repository):
    def __init__(self):
        super().__init__(None)
        self.partners: dict[str, PartnerContact] = {}
        self.applications: dict[str, ApplicationContact] = {}

    def partner(self, partner_id: str) -> PartnerContact | None:
        return self.partners.get(partner_id)

    def application(self, application_id: str) -> ApplicationContact | None:
        return self.applications.get(application_id)

    def keep_partner(self, contact: PartnerContact) -> None:
        self.partners[contact.partner_id] = contact

    def keep_application(self, contact: ApplicationContact) -> None:
        self.applications[contact.application_id] = contact


class FakeNotifierUnitOfWork(FakeUnitOfWork):
    def __init__(self):
        super().__init__()
        self.deliveries = FakeDeliveries()
        self.contacts = FakeContacts()
        self.commits = 0

    def commit(self) -> None:
        super().commit()
        self.commits += 1


class FakeNewMail:
    """What the mail senders would hear: the event of every announcement."""

    def __init__(self):
        self.announced: list[str] = []

    def announce(self, uow, event_id: str) -> None:
        self.announced.append(event_id)

    def subscribe(self, wake) -> None:
        pass


@dataclasses.dataclass
class FakeMailer:
    """An SMTP server in memory: takes every mail, or raises ``refuse`` for each."""

    refuse: Exception | None = None
    sent: list[tuple[Mail, str]] = dataclasses.field(default_factory=list)

    def send(self, mail: Mail, event_id: str) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append((mail, event_id))


def fake_notifier(uow: FakeNotifierUnitOfWork) -> Notifier:
    return Notifier(
        unit_of_work=uow,
        context=Context(PUBLIC_URL, MODERATORS, "Partnerportaal"),
        templates=MailTemplates("Partnerportaal"),
        new_mail=FakeNewMail(),
        mailer=FakeMailer(),
        max_attempts=3,
        retry_base_seconds=2.0,
        poll_seconds=2.0,
    )
