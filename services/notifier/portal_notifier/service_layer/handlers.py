"""Use cases of the notifier: record the mails an event causes, send what is due, list deliveries.

Recording happens in the consumer's transaction (with the inbox row), sending afterwards, one claimed
delivery at a time: a redelivered event finds its deliveries already recorded, and an SMTP outage only
delays mail, it never loses it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from portal_notifier.adapters.repositories import Deliveries
from portal_notifier.adapters.smtp import PermanentFailure, SmtpMailer
from portal_notifier.domain import compose
from portal_notifier.domain.mail import Delivery, Mail
from portal_notifier.texts import TEXTS
from portalkit.events.envelope import Envelope, utcnow
from portalkit.i18n import SHARED
from portalkit.service import ServiceRuntime
from portalkit.uow import UnitOfWork

log = logging.getLogger("portal_notifier")
CATALOGUE = SHARED.extend(TEXTS)
CLAIM = dt.timedelta(minutes=2)


def record_mails(uow: UnitOfWork, envelope: Envelope, mails: list[Mail]) -> None:
    repository = Deliveries(uow.session)
    now = utcnow()
    for mail in mails:
        if not repository.exists(envelope.id, mail.recipient):
            repository.add(Delivery.of(envelope.id, envelope.type, mail, now))


def event_handlers(runtime: ServiceRuntime) -> dict:
    settings = runtime.settings

    def application_requested(uow: UnitOfWork, envelope: Envelope) -> None:
        mails = compose.application_requested(
            envelope.data, settings.moderator_emails, CATALOGUE, settings.public_url, settings.product_name
        )
        record_mails(uow, envelope, mails)

    def account_registered(uow: UnitOfWork, envelope: Envelope) -> None:
        record_mails(uow, envelope, compose.account_registered(envelope.data, CATALOGUE, settings.product_name))

    def password_reset_requested(uow: UnitOfWork, envelope: Envelope) -> None:
        mails = compose.password_reset_requested(envelope.data, CATALOGUE, settings.product_name)
        record_mails(uow, envelope, mails)

    return {
        "apps.application.requested": application_requested,
        "identity.account.registered": account_registered,
        "identity.password_reset.requested": password_reset_requested,
    }


def send_due(
    unit_of_work: Callable[[], UnitOfWork], mailer: SmtpMailer, *, limit: int, max_attempts: int, base_seconds: float
) -> int:
    """Claim up to ``limit`` due deliveries, send each and record how it went; return how many were tried."""
    with unit_of_work() as uow:
        now = utcnow()
        claimed = Deliveries(uow.session).due(now, limit)
        for delivery in claimed:
            delivery.claimed_until = now + CLAIM
        uow.commit()
    for claimed_delivery in claimed:
        error, permanent = None, False
        try:
            mailer.send(claimed_delivery.mail, claimed_delivery.event_id)
        except PermanentFailure as failure:
            error, permanent = str(failure), True
        except Exception as failure:  # noqa: BLE001 - any other failure is transient: try later
            error = f"{type(failure).__name__}: {failure}"
        with unit_of_work() as uow:
            delivery = Deliveries(uow.session).get(claimed_delivery.id)
            if error is None:
                delivery.sent(utcnow())
            else:
                delivery.failed(utcnow(), error, permanent, max_attempts, base_seconds)
                log.warning("mail %s to event %s failed (%s)", delivery.id, delivery.event_id, error)
            uow.commit()
    return len(claimed)


def mail_sender(runtime: ServiceRuntime) -> Callable[[threading.Event], None]:
    settings = runtime.settings
    mailer = SmtpMailer(settings)

    def run(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                tried = send_due(
                    runtime.unit_of_work,
                    mailer,
                    limit=20,
                    max_attempts=settings.mail_max_attempts,
                    base_seconds=settings.mail_retry_base_seconds,
                )
            except Exception:  # noqa: BLE001 - the database is away: keep the loop alive
                log.exception("mail sender failed")
                tried = 0
            if not tried:
                stop.wait(settings.mail_poll_seconds)

    return run


def list_deliveries(
    unit_of_work: Callable[[], UnitOfWork], status: str | None, offset: int, limit: int
) -> tuple[list[Delivery], int]:
    with unit_of_work() as uow:
        return Deliveries(uow.session).recent(status, offset, limit)
