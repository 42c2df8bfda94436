"""What the notifier does with each event it hears: record the mails it causes, keep its contacts current.

One plain function per event type, each ``(notifier, uow, envelope)``; :data:`HANDLERS` names them and
:func:`bound_to` gives the consumer each bound to the process's :class:`Notifier`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from portal_notifier.domain import compose
from portal_notifier.domain.mail import ApplicationContact, Delivery, Letter, PartnerContact
from portal_notifier.service_layer.dependencies import Notifier
from portal_notifier.service_layer.unit_of_work import NotifierUnitOfWork
from portalkit.events.envelope import Envelope, utcnow

EventHandler = Callable[[Notifier, NotifierUnitOfWork, Envelope], None]


class UnknownApplication(LookupError):
    """An event about an application not heard of yet: retried until its own event has arrived."""


def _record(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope, letters: list[Letter]) -> None:
    """Each letter becomes one delivery per event and recipient: a redelivered event finds them recorded."""
    now, recorded = utcnow(), False
    for letter in letters:
        mail = notifier.templates.render(letter)
        if not uow.deliveries.exists(envelope.id, mail.recipient):
            uow.deliveries.add(Delivery.of(envelope.id, envelope.type, mail, now))
            recorded = True
    if recorded:
        notifier.new_mail.announce(uow, envelope.id)


def _keep_partner(uow: NotifierUnitOfWork, data: dict) -> None:
    uow.contacts.keep_partner(
        PartnerContact(data["partner_id"], data["name"], data["email"], data.get("language", "nl"))
    )


def _keep_application(uow: NotifierUnitOfWork, data: dict) -> None:
    """Events without a contact e-mail keep the one heard before."""
    known = uow.contacts.application(data["application_id"])
    email = data.get("contact_email") or (known.contact_email if known else "")
    uow.contacts.keep_application(ApplicationContact(data["application_id"], data["partner_id"], data["name"], email))


def account_registered(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.account_registered(envelope.data, notifier.context))


def account_invited(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.account_invited(envelope.data, notifier.context))


def registration_repeated(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.registration_repeated(envelope.data, notifier.context))


def login_attacked(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.login_attacked(envelope.data, notifier.context))


def password_reset_requested(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.password_reset_requested(envelope.data, notifier.context))


def access_requested(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.access_requested(envelope.data, notifier.context))


def profile_created(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_partner(uow, envelope.data)


def profile_changed(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_partner(uow, envelope.data)
    _record(notifier, uow, envelope, compose.profile_changed(envelope.data, notifier.context))


def application_requested(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_application(uow, envelope.data)
    _record(notifier, uow, envelope, compose.application_requested(envelope.data, notifier.context))


def application_approved(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    """No mail yet: it waits for the client (``identity.client.issued``)."""
    _keep_application(uow, envelope.data)


def application_linked(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_application(uow, envelope.data)


def application_rejected(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    _keep_application(uow, data)
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.application_rejected(data, partner, notifier.context))


def application_changed(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_application(uow, envelope.data)
    _record(notifier, uow, envelope, compose.application_changed(envelope.data, notifier.context))


def application_change_requested(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _keep_application(uow, envelope.data)
    _record(notifier, uow, envelope, compose.application_change_requested(envelope.data, notifier.context))


def _change_decided(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope, approved: bool) -> None:
    data = envelope.data
    _keep_application(uow, data)
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.application_change_decided(data, partner, notifier.context, approved))


def application_change_approved(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _change_decided(notifier, uow, envelope, approved=True)


def application_change_rejected(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _change_decided(notifier, uow, envelope, approved=False)


def client_issued(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    application = uow.contacts.application(data["application_id"])
    if application is None:
        raise UnknownApplication(data["application_id"])  # its request or approval is still on its way
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.client_issued(data, application, partner, notifier.context))


def grants_changed(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    application = uow.contacts.application(data["application_id"])
    partner = uow.contacts.partner(application.partner_id) if application else None
    _record(notifier, uow, envelope, compose.grants_changed(data, application, partner, notifier.context))


def access_declined(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    application = uow.contacts.application(data["application_id"])
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.access_declined(data, application, partner, notifier.context))


def access_reminded(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.access_reminded(envelope.data, notifier.context))


def renewal_due(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    _record(notifier, uow, envelope, compose.renewal_due(envelope.data, notifier.context))


def _to_partner(compose_letters) -> EventHandler:
    """A scopes event about an application, mailed to its partner and contact."""

    def handle(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
        data = envelope.data
        application = uow.contacts.application(data["application_id"])
        partner = uow.contacts.partner(data["partner_id"])
        _record(notifier, uow, envelope, compose_letters(data, application, partner, notifier.context))

    return handle


access_expired = _to_partner(compose.access_expired)
grants_expired = _to_partner(compose.grants_expired)
grants_expiring = _to_partner(compose.grants_expiring)


def client_secrets_revoked(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    application = uow.contacts.application(data["application_id"])
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.client_secrets_revoked(data, application, partner, notifier.context))


def webhook_endpoint_disabled(notifier: Notifier, uow: NotifierUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    application = uow.contacts.application(data["application_id"])
    partner = uow.contacts.partner(data["partner_id"])
    _record(notifier, uow, envelope, compose.webhook_endpoint_disabled(data, application, partner, notifier.context))


HANDLERS: dict[str, EventHandler] = {
    "identity.account.registered": account_registered,
    "identity.account.registration_repeated": registration_repeated,
    "identity.account.invited": account_invited,
    "identity.account.login_attacked": login_attacked,
    "identity.password_reset.requested": password_reset_requested,
    "identity.client.issued": client_issued,
    "identity.client.secrets_revoked": client_secrets_revoked,
    "apps.application.requested": application_requested,
    "apps.application.approved": application_approved,
    "apps.application.rejected": application_rejected,
    "apps.application.changed": application_changed,
    "apps.application.linked": application_linked,
    "apps.application.change_requested": application_change_requested,
    "apps.application.change_approved": application_change_approved,
    "apps.application.change_rejected": application_change_rejected,
    "partners.profile.created": profile_created,
    "partners.profile.changed": profile_changed,
    "scopes.grants.changed": grants_changed,
    "scopes.access.declined": access_declined,
    "scopes.access.requested": access_requested,
    "scopes.access.reminded": access_reminded,
    "scopes.access.expired": access_expired,
    "scopes.grants.expired": grants_expired,
    "scopes.grants.renewal_due": renewal_due,
    "scopes.grants.expiring": grants_expiring,
    "webhooks.endpoint.disabled": webhook_endpoint_disabled,
}


def bound_to(notifier: Notifier) -> dict[str, Callable[[NotifierUnitOfWork, Envelope], None]]:
    """Every handler as the consumer calls it: ``handler(uow, envelope)``."""
    return {event_type: functools.partial(handle, notifier) for event_type, handle in HANDLERS.items()}
