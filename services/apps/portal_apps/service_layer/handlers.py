"""Use cases of the apps service: plain functions over a unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portal_apps.adapters.repositories import Applications
from portal_apps.domain.model import Application
from portalkit.events.envelope import utcnow
from portalkit.uow import UnitOfWork


class NotFound(LookupError):
    pass


def request_application(
    unit_of_work: Callable[[], UnitOfWork], *, partner_id: str, requested_by: str, known_apis: Sequence[str], **fields
) -> Application:
    application = Application.request(
        partner_id=partner_id, requested_by=requested_by, known_apis=known_apis, now=utcnow(), **fields
    )
    with unit_of_work() as uow:
        Applications(uow.session).add(application)
        for event in application.events:
            uow.publish(event)
        uow.commit()
    return application


def application_of_partner(unit_of_work: Callable[[], UnitOfWork], partner_id: str, application_id: str) -> Application:
    with unit_of_work() as uow:
        application = Applications(uow.session).of_partner(partner_id, application_id)
        if application is None:
            raise NotFound(application_id)
        return application
