"""Use cases of the apps service: plain functions over a unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portal_apps.adapters import identity as identity_service
from portal_apps.adapters.repositories import QUEUE, ApplicationFilter
from portal_apps.domain.model import Application
from portal_apps.service_layer.unit_of_work import AppsUnitOfWork
from portalkit.events.envelope import Envelope, utcnow
from portalkit.uow import Conflict

UnitOfWorkFactory = Callable[[], AppsUnitOfWork]


class NotFound(LookupError):
    pass


class SelfModeration(Exception):
    """A moderator who belongs to the application's partner may not judge it."""


def request_application(
    unit_of_work: UnitOfWorkFactory, *, partner_id: str, requested_by: str, known_apis: Sequence[str], **fields
) -> Application:
    application = Application.request(
        partner_id=partner_id, requested_by=requested_by, known_apis=known_apis, now=utcnow(), **fields
    )
    with unit_of_work() as uow:
        uow.applications.add(application)
        uow.commit()
    return application


def check_link(
    unit_of_work: UnitOfWorkFactory,
    identity: identity_service.IdentityClient,
    *,
    partner_id: str,
    client_id: str,
    client_secret: str,
) -> identity_service.LinkedClient:
    """Manual 3.3.2, first step: the pair is valid and the client free, before the partner types the rest."""
    application_id = Application.linked_id(partner_id, client_id)
    checked = identity.check_link(client_id=client_id, client_secret=client_secret, application_id=application_id)
    with unit_of_work() as uow:
        existing = uow.applications.by_client(client_id)
        if existing is not None and existing.id != application_id:
            raise identity_service.ClientAlreadyLinked(client_id)
    return checked


def link_application(
    unit_of_work: UnitOfWorkFactory,
    identity: identity_service.IdentityClient,
    *,
    partner_id: str,
    linked_by: str,
    known_apis: Sequence[str],
    client_id: str,
    client_secret: str,
    **fields,
) -> Application:
    """Manual 3.3.2: the pair is checked in real time; a valid one gives an approved application at once.

    The application id follows from partner and client, so a retry after a failure half-way finds the
    identity service's link to the same id and completes.
    """
    Application.linked(
        partner_id=partner_id,
        linked_by=linked_by,
        client_id=client_id,
        apis=[],
        known_apis=known_apis,
        now=utcnow(),
        **fields,
    )  # field rules first, before any call
    application_id = Application.linked_id(partner_id, client_id)
    # The secret is checked before anything is said about the client: without it, nobody learns whether a
    # client id exists or is linked.
    linked = identity.link(
        client_id=client_id, client_secret=client_secret, application_id=application_id, partner_id=partner_id
    )
    with unit_of_work() as uow:
        existing = uow.applications.by_client(client_id)
        if existing is not None and existing.id != application_id:
            raise identity_service.ClientAlreadyLinked(client_id)
        if existing is not None:
            return existing
    application = Application.linked(
        partner_id=partner_id,
        linked_by=linked_by,
        client_id=client_id,
        apis=linked.apis,
        known_apis=known_apis,
        now=utcnow(),
        **fields,
    )
    try:
        with unit_of_work() as uow:
            uow.applications.add(application)
            uow.commit()
    except Conflict:  # the same link completed by a concurrent request
        with unit_of_work() as uow:
            existing = uow.applications.by_client(client_id)
            if existing is None or existing.id != application_id:
                raise identity_service.ClientAlreadyLinked(client_id) from None
            return existing
    return application


def _change(unit_of_work: UnitOfWorkFactory, application_id: str, partner_id: str | None, action) -> Application:
    with unit_of_work() as uow:
        application = (
            uow.applications.of_partner(partner_id, application_id, for_update=True)
            if partner_id is not None
            else uow.applications.get(application_id, for_update=True)
        )
        if application is None:
            raise NotFound(application_id)
        action(application)
        uow.commit()
        return application


def edit_application(
    unit_of_work: UnitOfWorkFactory,
    application_id: str,
    partner_id: str,
    *,
    changed_by: str,
    known_apis: Sequence[str],
    confirm_removal: bool,
    changes: dict,
) -> Application:
    return _change(
        unit_of_work,
        application_id,
        partner_id,
        lambda app: app.edit(changes, changed_by, known_apis, confirm_removal, utcnow()),
    )


def archive_by_partner(unit_of_work: UnitOfWorkFactory, application_id: str, partner_id: str, by: str) -> Application:
    return _change(unit_of_work, application_id, partner_id, lambda app: app.archive(by, utcnow()))


def _moderate(unit_of_work, application_id, moderator_partner_id, action) -> Application:
    def guarded(application):
        if moderator_partner_id and moderator_partner_id == application.partner_id:
            raise SelfModeration(application_id)
        return action(application)

    return _change(unit_of_work, application_id, None, guarded)


def approve(unit_of_work: UnitOfWorkFactory, application_id: str, by: str, by_partner: str | None) -> Application:
    return _moderate(unit_of_work, application_id, by_partner, lambda app: app.approve(by, utcnow()))


def reject(unit_of_work: UnitOfWorkFactory, application_id: str, by: str, by_partner: str | None, reason: str):
    return _moderate(unit_of_work, application_id, by_partner, lambda app: app.reject(by, reason, utcnow()))


def approve_change(
    unit_of_work: UnitOfWorkFactory, application_id: str, change_id: str, by: str, by_partner: str | None
) -> Application:
    return _moderate(unit_of_work, application_id, by_partner, lambda app: app.approve_change(change_id, by, utcnow()))


def reject_change(
    unit_of_work: UnitOfWorkFactory, application_id: str, change_id: str, by: str, by_partner: str | None, reason: str
) -> Application:
    return _moderate(
        unit_of_work, application_id, by_partner, lambda app: app.reject_change(change_id, by, reason, utcnow())
    )


def archive_by_moderator(unit_of_work: UnitOfWorkFactory, application_id: str, by: str) -> Application:
    return _change(unit_of_work, application_id, None, lambda app: app.archive(by, utcnow()))


def application_of_partner(unit_of_work: UnitOfWorkFactory, partner_id: str, application_id: str) -> Application:
    with unit_of_work() as uow:
        application = uow.applications.of_partner(partner_id, application_id)
        if application is None:
            raise NotFound(application_id)
        return application


def application(unit_of_work: UnitOfWorkFactory, application_id: str) -> Application:
    with unit_of_work() as uow:
        found = uow.applications.get(application_id)
        if found is None:
            raise NotFound(application_id)
        _name_people(uow, found)
        return found


def history(unit_of_work: UnitOfWorkFactory, application_id: str, partner_id: str | None = None):
    """The application's history (of the partner's, when ``partner_id`` is given), each author named."""
    with unit_of_work() as uow:
        found = (
            uow.applications.get(application_id)
            if partner_id is None
            else uow.applications.of_partner(partner_id, application_id)
        )
        if found is None:
            raise NotFound(application_id)
        _name_people(uow, found)
        return found.history


def _name_people(uow: AppsUnitOfWork, application: Application) -> None:
    """Who made each change and asked for the pending one, as e-mail addresses (``*_email``; None: unknown)."""
    pending = application.pending_change
    ids = [change.changed_by for change in application.history] + ([pending.requested_by] if pending else [])
    emails = uow.people.emails(ids)
    for change in application.history:
        change.changed_by_email = emails.get(change.changed_by)
    if pending is not None:
        pending.requested_by_email = emails.get(pending.requested_by)


def search(unit_of_work: UnitOfWorkFactory, where: ApplicationFilter | None, offset: int, limit: int):
    with unit_of_work() as uow:
        return uow.applications.search(where or QUEUE, offset, limit)


def search_entries(unit_of_work: UnitOfWorkFactory, where: ApplicationFilter, offset: int, limit: int):
    """What :func:`search` finds, as plain rows (the moderators' hot path)."""
    with unit_of_work() as uow:
        return uow.applications.search_entries(where, offset, limit)


def pending_changes(unit_of_work: UnitOfWorkFactory, offset: int, limit: int) -> tuple[list[Application], int]:
    with unit_of_work() as uow:
        return uow.applications.with_pending_change(offset, limit)


def client_issued(uow: AppsUnitOfWork, envelope: Envelope) -> None:
    """The identity service made the client of an approved application."""
    found = uow.applications.get(envelope.data["application_id"], for_update=True)
    if found is None:
        raise NotFound(envelope.data["application_id"])  # retried, then parked: an id we never had
    found.client_issued(envelope.data["client_id"])


def partner_named(uow: AppsUnitOfWork, envelope: Envelope) -> None:
    """The partners service named (or renamed) a profile: moderators search applications by it."""
    uow.applications.keep_partner_name(envelope.data["partner_id"], envelope.data["name"])
