"""The idempotent consumer: contract check, inbox dedup, handler and inbox row in one transaction."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portalkit.events.contracts import ContractViolation, EventContracts
from portalkit.events.envelope import Envelope, utcnow
from portalkit.events.transport import Outcome
from portalkit.uow import Conflict

if TYPE_CHECKING:
    from portalkit.uow import UnitOfWork

log = logging.getLogger("portalkit.consumer")

Handler = Callable[["UnitOfWork", Envelope], None]


class EventConsumer:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        inbox: sa.Table,
        handlers: Mapping[str, Handler],
        contracts: EventContracts | None,
    ):
        self.unit_of_work = unit_of_work
        self.inbox = inbox
        self.handlers = handlers
        self.contracts = contracts

    def __call__(self, body: bytes) -> Outcome:
        try:
            document = json.loads(body)
            if self.contracts is not None:
                self.contracts.validate(document)
            envelope = Envelope.from_dict(document)
        except (ValueError, KeyError, TypeError, ContractViolation) as error:
            log.warning("poison message: %s", error)  # the transport logs the parking as the error
            return Outcome.DEAD
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return Outcome.ACK
        try:
            with self.unit_of_work() as uow:
                if self._seen(uow.session, envelope):
                    return Outcome.ACK
                handler(uow, envelope)
                uow.commit()
        except (IntegrityError, Conflict) as error:
            if self._seen_now(envelope):
                return Outcome.ACK  # another replica handled the same event at the same moment
            return self._retry(envelope, error)
        except Exception as error:  # noqa: BLE001 - any failure of a handler is retried, then dead-lettered
            return self._retry(envelope, error)
        return Outcome.ACK

    @staticmethod
    def _retry(envelope: Envelope, error: Exception) -> Outcome:
        """An expected, retried failure: a warning with the reason (the traceback at DEBUG)."""
        log.warning(
            "handler for %s %s failed, to be retried: %s: %s", envelope.type, envelope.id, type(error).__name__, error
        )
        log.debug("handler for %s %s failed", envelope.type, envelope.id, exc_info=error)
        return Outcome.RETRY

    def _seen(self, session, envelope: Envelope) -> bool:
        """Claim the event: the inbox row is flushed first, so a concurrent twin blocks or fails here."""
        exists = session.scalar(sa.select(sa.literal(1)).where(self.inbox.c.event_id == envelope.id))
        if exists:
            return True
        session.execute(sa.insert(self.inbox).values(event_id=envelope.id, type=envelope.type, handled_at=utcnow()))
        return False

    def _seen_now(self, envelope: Envelope) -> bool:
        with self.unit_of_work() as uow:
            return bool(uow.session.scalar(sa.select(sa.literal(1)).where(self.inbox.c.event_id == envelope.id)))
