"""Use cases of the notifier: send what is due, list deliveries, send a failed one again.

Mails are recorded in the consumer's transaction (with the inbox row, :mod:`.events`), sent afterwards, one
delivery per transaction that holds its row lock while the SMTP server answers: a redelivered event finds
its deliveries already recorded, an SMTP outage only delays mail, and a crashed sender's lock goes with its
connection, so another sender sends the mail at once. Delivery is at least once: a sender that dies after
the server accepted a mail but before the commit makes it send again, with the same Message-ID.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from portal_notifier.adapters.smtp import PermanentFailure, SmtpMailer
from portal_notifier.domain.mail import Delivery
from portal_notifier.service_layer.dependencies import Notifier
from portal_notifier.service_layer.unit_of_work import NotifierUnitOfWork
from portalkit.events.envelope import utcnow
from portalkit.worker import due_work_loop

log = logging.getLogger("portal_notifier")

UnitOfWorkFactory = Callable[[], NotifierUnitOfWork]


class DeliveryNotFound(LookupError):
    pass


def retry_delivery(unit_of_work: UnitOfWorkFactory, delivery_id: int) -> Delivery:
    with unit_of_work() as uow:
        delivery = uow.deliveries.get(delivery_id)
        if delivery is None:
            raise DeliveryNotFound(delivery_id)
        delivery.retry(utcnow())
        uow.commit()
        return delivery


def send_due(
    unit_of_work: UnitOfWorkFactory, mailer: SmtpMailer, *, limit: int, max_attempts: int, base_seconds: float
) -> int:
    """Send up to ``limit`` deliveries due now, each locked by its own transaction; return how many were tried."""
    started, tried = utcnow(), 0
    while tried < limit:
        with unit_of_work() as uow:
            delivery = uow.deliveries.next_due(started)  # a failure is due again later than this
            if delivery is None:
                break
            error, permanent = None, False
            try:
                mailer.send(delivery.mail, delivery.event_id)
            except PermanentFailure as failure:
                error, permanent = str(failure), True
            except Exception as failure:  # noqa: BLE001 - any other failure is transient: try later
                error = f"{type(failure).__name__}: {failure}"
            if error is None:
                delivery.sent(utcnow())
            else:
                delivery.failed(utcnow(), error, permanent, max_attempts, base_seconds)
                log.warning("mail %s to event %s failed (%s)", delivery.id, delivery.event_id, error)
            uow.commit()
        tried += 1
    return tried


def mail_sender(notifier: Notifier) -> Callable[[threading.Event], None]:
    """The loop that sends what is due: woken by newly recorded mail, polling for retries that came due."""
    return due_work_loop(
        "mail sender",
        lambda: send_due(
            notifier.unit_of_work,
            notifier.mailer,
            limit=20,
            max_attempts=notifier.max_attempts,
            base_seconds=notifier.retry_base_seconds,
        ),
        notifier.new_mail.subscribe,
        notifier.poll_seconds,
    )


def list_deliveries(
    unit_of_work: UnitOfWorkFactory, status: str | None, recipient: str | None, offset: int, limit: int
) -> tuple[list[Delivery], int]:
    with unit_of_work() as uow:
        return uow.deliveries.recent(status, recipient, offset, limit)
