"""Use cases of the notifier: record the mails an event causes, send what is due, list deliveries.

Recording happens in the consumer's transaction (with the inbox row), sending afterwards, one delivery
per transaction that holds its row lock while the SMTP server answers: a redelivered event finds its
deliveries already recorded, an SMTP outage only delays mail, and a crashed sender's lock goes with its
connection, so another sender sends the mail at once. Delivery is at least once: a sender that dies after
the server accepted a mail but before the commit makes it send again, with the same Message-ID.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from portal_notifier.adapters.repositories import Contacts, Deliveries
from portal_notifier.adapters.smtp import PermanentFailure, SmtpMailer
from portal_notifier.adapters.templates import MailTemplates
from portal_notifier.domain import compose
from portal_notifier.domain.mail import Delivery, Mail
from portalkit.changes import ChangeFeed
from portalkit.events.envelope import Envelope, utcnow
from portalkit.service import ServiceRuntime
from portalkit.uow import UnitOfWork

log = logging.getLogger("portal_notifier")


class NotFound(LookupError):
    pass


class UnknownApplication(LookupError):
    """An event about an application not heard of yet: retried until its own event has arrived."""


def new_mail_feed(runtime: ServiceRuntime) -> ChangeFeed:
    """Recorded deliveries wake the mail senders of every worker at commit (one feed per runtime)."""
    if "new_mail" not in runtime.extensions:
        feed = ChangeFeed(runtime.database, f"new_mail_{runtime.name}")
        runtime.extensions["new_mail"] = feed
        runtime.closers.append(feed.close)
    return runtime.extensions["new_mail"]


def record_mails(uow: UnitOfWork, envelope: Envelope, mails: list[Mail], feed: ChangeFeed | None = None) -> None:
    repository = Deliveries(uow.session)
    now = utcnow()
    recorded = False
    for mail in mails:
        if not repository.exists(envelope.id, mail.recipient):
            repository.add(Delivery.of(envelope.id, envelope.type, mail, now))
            recorded = True
    if recorded and feed is not None:
        feed.announce(uow.session, envelope.id)


def event_handlers(runtime: ServiceRuntime) -> dict:
    """Every event that mails someone, and those that keep the contact projections current."""
    settings = runtime.settings
    context = compose.Context(settings.public_url, settings.moderator_emails, settings.product_name)
    templates = MailTemplates(settings.product_name)
    feed = new_mail_feed(runtime)

    def mailing(letters_of):
        def handle(uow: UnitOfWork, envelope: Envelope) -> None:
            letters = letters_of(uow, envelope.data)
            record_mails(uow, envelope, [templates.render(letter) for letter in letters], feed)

        return handle

    def partner_of(uow, partner_id):
        return Contacts(uow.session).partner(partner_id)

    def keep_profile(uow, data):
        Contacts(uow.session).keep_partner(data["partner_id"], data["name"], data["email"], data.get("language", "nl"))
        return []

    def profile_changed(uow, data):
        keep_profile(uow, data)
        return compose.profile_changed(data, context)

    def application_seen(uow, data):
        Contacts(uow.session).keep_application(
            data["application_id"], data["partner_id"], data["name"], data.get("contact_email")
        )

    def requested(uow, data):
        application_seen(uow, data)
        return compose.application_requested(data, context)

    def approved(uow, data):
        application_seen(uow, data)  # the mail waits for the client: identity.client.issued
        return []

    def rejected(uow, data):
        application_seen(uow, data)
        return compose.application_rejected(data, partner_of(uow, data["partner_id"]), context)

    def client_issued(uow, data):
        application = Contacts(uow.session).application(data["application_id"])
        if application is None:
            raise UnknownApplication(data["application_id"])  # its request or approval is still on its way
        return compose.client_issued(data, application, partner_of(uow, data["partner_id"]), context)

    def change_requested(uow, data):
        application_seen(uow, data)
        return compose.application_change_requested(data, context)

    def change_decided(approved):
        def letters(uow, data):
            application_seen(uow, data)
            return compose.application_change_decided(data, partner_of(uow, data["partner_id"]), context, approved)

        return letters

    def changed(uow, data):
        application_seen(uow, data)
        return compose.application_changed(data, context)

    def linked(uow, data):
        application_seen(uow, data)
        return []

    def grants_changed(uow, data):
        application = Contacts(uow.session).application(data["application_id"])
        partner = partner_of(uow, application.partner_id) if application else None
        return compose.grants_changed(data, application, partner, context)

    def secrets_revoked(uow, data):
        application = Contacts(uow.session).application(data["application_id"])
        return compose.client_secrets_revoked(data, application, partner_of(uow, data["partner_id"]), context)

    return {
        "identity.account.registered": mailing(lambda uow, data: compose.account_registered(data, context)),
        "identity.password_reset.requested": mailing(lambda uow, data: compose.password_reset_requested(data, context)),
        "identity.account.login_attacked": mailing(lambda uow, data: compose.login_attacked(data, context)),
        "identity.account.registration_repeated": mailing(
            lambda uow, data: compose.registration_repeated(data, context)
        ),
        "identity.client.secrets_revoked": mailing(secrets_revoked),
        "apps.application.requested": mailing(requested),
        "apps.application.approved": mailing(approved),
        "apps.application.rejected": mailing(rejected),
        "identity.client.issued": mailing(client_issued),
        "apps.application.changed": mailing(changed),
        "apps.application.linked": mailing(linked),
        "apps.application.change_requested": mailing(change_requested),
        "apps.application.change_approved": mailing(change_decided(True)),
        "apps.application.change_rejected": mailing(change_decided(False)),
        "partners.profile.created": mailing(keep_profile),
        "partners.profile.changed": mailing(profile_changed),
        "scopes.grants.changed": mailing(grants_changed),
        "scopes.access.requested": mailing(lambda uow, data: compose.access_requested(data, context)),
    }


def retry_delivery(unit_of_work: Callable[[], UnitOfWork], delivery_id: int) -> Delivery:
    with unit_of_work() as uow:
        delivery = Deliveries(uow.session).get(delivery_id)
        if delivery is None:
            raise NotFound(delivery_id)
        if not delivery.retry(utcnow()):
            raise ValueError(delivery.status)
        uow.commit()
        return delivery


def send_due(
    unit_of_work: Callable[[], UnitOfWork], mailer: SmtpMailer, *, limit: int, max_attempts: int, base_seconds: float
) -> int:
    """Send up to ``limit`` deliveries due now, each locked by its own transaction; return how many were tried."""
    started, tried = utcnow(), 0
    while tried < limit:
        with unit_of_work() as uow:
            delivery = Deliveries(uow.session).next_due(started)  # a failure is due again later than this
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


def mail_sender(runtime: ServiceRuntime) -> Callable[[threading.Event], None]:
    settings = runtime.settings
    mailer = SmtpMailer(settings)
    wakeup = threading.Event()
    new_mail_feed(runtime).subscribe(lambda _event_id: wakeup.set())

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
                wakeup.wait(settings.mail_poll_seconds)  # a new delivery wakes it; the poll finds retries due
                wakeup.clear()

    return run


def list_deliveries(
    unit_of_work: Callable[[], UnitOfWork], status: str | None, recipient: str | None, offset: int, limit: int
) -> tuple[list[Delivery], int]:
    with unit_of_work() as uow:
        return Deliveries(uow.session).recent(status, recipient, offset, limit)
