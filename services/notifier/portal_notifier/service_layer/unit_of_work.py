"""The notifier's unit of work: its repositories on one transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal_notifier.adapters.repositories import Contacts, Deliveries
from portalkit.uow import UnitOfWork


class NotifierUnitOfWork(UnitOfWork):
    deliveries: Deliveries
    contacts: Contacts

    def _open(self, session: Session) -> None:
        self.deliveries = Deliveries(session)
        self.contacts = Contacts(session)
