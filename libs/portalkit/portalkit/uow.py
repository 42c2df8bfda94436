"""Unit of work: one transaction for a state change and the events announcing it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portalkit.changes import ChangeFeed
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
        outbox_feed: ChangeFeed | None = None,
    ):
        self._database = database
        self._outbox = outbox
        self._contracts = contracts
        self._outbox_feed = outbox_feed
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
        if not self._published and self._outbox_feed is not None:
            self._outbox_feed.announce(self.session, "new")  # wakes the relay of any process at commit
        self._published = True
        return envelope

    def commit(self) -> None:
        self.session.commit()
        self._published = False

    def rollback(self) -> None:
        self.session.rollback()
        self._published = False
