"""Unit of work: one transaction for a state change and the events announcing it.

Each service subclasses :class:`UnitOfWork` and hands out its repositories in ``_open`` (``uow.applications``);
the service layer never sees the SQLAlchemy session or its errors. At commit, the new events of every
aggregate a repository handed out or took are put in the outbox, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portalkit.changes import ChangeFeed
from portalkit.db import Database
from portalkit.events.contracts import EventContracts
from portalkit.events.envelope import DomainEvent, Envelope
from portalkit.events.outbox import outbox_row


class Conflict(Exception):
    """The change collides with what is stored (a unique key taken meanwhile, by a concurrent request)."""


class Repository:
    """Base of a service's repositories: remembers the aggregates it handed out or took, whose new events
    (their ``events`` list) the unit of work publishes at commit."""

    def __init__(self, session: Session | None):
        self.session = session
        self.seen: list = []

    def _seen(self, aggregate):
        if aggregate is not None and not any(known is aggregate for known in self.seen):
            self.seen.append(aggregate)
        return aggregate


def new_events(holder) -> Iterator[DomainEvent]:
    """Take the new events of the aggregates seen by ``holder``'s repositories, oldest first."""
    for repository in vars(holder).values():
        if isinstance(repository, Repository):
            for aggregate in repository.seen:
                pending = getattr(aggregate, "events", None) or []
                while pending:
                    yield pending.pop(0)


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

    def __enter__(self):
        self.session = self._database.sessions()
        self._open(self.session)
        return self

    def _open(self, session: Session) -> None:
        """Hand out the service's repositories on ``session`` (attributes of the unit of work)."""

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

    def flush(self) -> None:
        """Write what is pending now, so a collision shows as :class:`Conflict` before anything else."""
        try:
            self.session.flush()
        except IntegrityError as error:
            self.rollback()
            raise Conflict(str(error.orig)) from error

    def commit(self) -> None:
        for event in new_events(self):
            self.publish(event)
        try:
            self.session.commit()
        except IntegrityError as error:
            self.rollback()
            raise Conflict(str(error.orig)) from error
        self._published = False

    def rollback(self) -> None:
        self.session.rollback()
        self._published = False
