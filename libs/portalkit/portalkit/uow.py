"""Unit of work: one transaction for a state change and the events announcing it."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portalkit.db import Database
from portalkit.events.contracts import EventContracts
from portalkit.events.envelope import DomainEvent, Envelope
from portalkit.events.outbox import outbox_row


class UnitOfWork:
    def __init__(
        self,
        database: Database,
        outbox: sa.Table,
        contracts: EventContracts | None,
        relay_wakeup: threading.Event | None = None,
    ):
        self._database = database
        self._outbox = outbox
        self._contracts = contracts
        self._relay_wakeup = relay_wakeup
        self._published = False
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._database.sessions()
        return self

    def __exit__(self, *exc_info) -> None:
        # close() rolls back whatever was not committed and detaches objects without expiring them,
        # so what a use case returns can still be read after its transaction.
        self.session.close()

    def publish(self, event: DomainEvent | Envelope) -> Envelope:
        """Put an event in the outbox, inside this transaction: it leaves only if the change commits."""
        envelope = event if isinstance(event, Envelope) else event.envelope()
        if self._contracts is not None:
            self._contracts.validate(envelope.as_dict())
        self.session.execute(sa.insert(self._outbox).values(**outbox_row(envelope)))
        self._published = True
        return envelope

    def commit(self) -> None:
        self.session.commit()
        if self._published and self._relay_wakeup is not None:
            self._relay_wakeup.set()
        self._published = False

    def rollback(self) -> None:
        self.session.rollback()
        self._published = False
