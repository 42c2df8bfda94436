"""Use cases of the scopes service: plain functions over a unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from portal_scopes.adapters import orm
from portal_scopes.adapters.repositories import LedgerFilter
from portal_scopes.domain.access import (
    DAY,
    AccessRequest,
    LinkInvalid,
    PartnerName,
    RequestLimits,
    ScopesApplication,
    parse_addresses,
    plan_grants,
)
from portal_scopes.domain.schools import parse_schools_csv
from portal_scopes.service_layer.unit_of_work import ScopesUnitOfWork
from portalkit.events.envelope import Envelope, utcnow

UnitOfWorkFactory = Callable[[], ScopesUnitOfWork]
DEFAULT_LIMITS = RequestLimits()


class NotFound(LookupError):
    pass


# -- schools ----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ImportResult:
    added: int
    renamed: int
    unchanged: int


def import_schools(unit_of_work: UnitOfWorkFactory, csv_text: str) -> ImportResult:
    """Idempotent: importing the same file twice changes nothing the second time."""
    added = renamed = unchanged = 0
    with unit_of_work() as uow:
        for school in parse_schools_csv(csv_text):
            existing = uow.schools.get(school.institution_number)
            if existing is None:
                uow.schools.add(school)
                added += 1
            elif existing.name != school.name:
                existing.name = school.name
                renamed += 1
            else:
                unchanged += 1
        uow.commit()
    return ImportResult(added, renamed, unchanged)


def search_schools(unit_of_work: UnitOfWorkFactory, text: str | None, offset: int, limit: int):
    with unit_of_work() as uow:
        return uow.schools.search(text, offset, limit)


# -- access requests --------------------------------------------------------------------------------
def request_limits(
    unit_of_work: UnitOfWorkFactory, limits: RequestLimits, partner_id: str, application_id: str | None
) -> dict:
    """The limits, and how many requests are left now for the partner and (if named) the application."""
    since = utcnow() - DAY
    with unit_of_work() as uow:
        partner_sent = len(uow.requests.sent_since(since, partner_id=partner_id))
        application_sent = (
            len(uow.requests.sent_since(since, partner_id=partner_id, application_id=application_id))
            if application_id
            else 0
        )
    return {
        "addresses_per_request": limits.addresses_per_request,
        "per_application_per_day": limits.per_application_per_day,
        "per_partner_per_day": limits.per_partner_per_day,
        "left_for_partner": max(0, limits.per_partner_per_day - partner_sent),
        "left_for_application": max(0, limits.per_application_per_day - application_sent) if application_id else None,
    }


def request_access(
    unit_of_work: UnitOfWorkFactory,
    *,
    public_url: str,
    valid_days: int,
    partner_id: str,
    requested_by: str,
    application_id: str,
    emails: str,
    limits: RequestLimits = DEFAULT_LIMITS,
) -> list[AccessRequest]:
    """A mail with a link of its own to each school admin named, within the partner's daily limits."""
    addresses = parse_addresses(emails, limits.addresses_per_request)
    now = utcnow()
    with unit_of_work() as uow:
        application = uow.applications.get(application_id)
        if application is None or application.partner_id != partner_id:
            raise NotFound(application_id)
        created = application.ask_access(
            addresses,
            limits=limits,
            sent_for_application=uow.requests.sent_since(
                now - DAY, partner_id=partner_id, application_id=application_id
            ),
            sent_by_partner=uow.requests.sent_since(now - DAY, partner_id=partner_id),
            partner_name=uow.applications.partner_name(partner_id),
            requested_by=requested_by,
            now=now,
            valid_days=valid_days,
            public_url=public_url,
        )
        for request in created:
            uow.requests.add(request)
        uow.commit()
    return created


def requests_of_partner(unit_of_work: UnitOfWorkFactory, partner_id: str, application_id: str | None):
    with unit_of_work() as uow:
        return uow.requests.of_partner(partner_id, application_id)


def granted_schools(unit_of_work: UnitOfWorkFactory, partner_id: str, application_id: str) -> list[dict]:
    """The schools whose data the partner's application may read, named, with the APIs of each."""
    with unit_of_work() as uow:
        application = uow.applications.get(application_id)
        if application is None or application.partner_id != partner_id:
            raise NotFound(application_id)
        by_school: dict[str, list[str]] = {}
        for grant in uow.grants.active(application_id):
            by_school.setdefault(grant.institution_number, []).append(grant.api)
        names = uow.schools.names(by_school)
        return [
            {"institution_number": number, "name": names.get(number), "grants": sorted(apis)}
            for number, apis in sorted(by_school.items())
        ]


def inbox(unit_of_work: UnitOfWorkFactory, email: str | None, text: str | None, offset: int, limit: int):
    """The open requests mailed to the school admin, newest first, with the application and partner names."""
    if not email:
        return [], 0
    with unit_of_work() as uow:
        return uow.requests.open_for(email, utcnow(), text, offset, limit)


def _opened_request(
    uow: ScopesUnitOfWork,
    request_id: str,
    token: str | None,
    application_id: str | None,
    now,
    addressee: str | None = None,
):
    request = uow.requests.get(request_id, for_update=True)
    if request is None:
        raise LinkInvalid
    return request.opened(token, now, application_id, addressee=addressee)


def request_view(
    unit_of_work: UnitOfWorkFactory,
    request_id: str,
    token: str | None,
    institutions: set[str],
    addressee: str | None = None,
) -> dict:
    """What the school admin sees when the mail's link (or their inbox) opens: the app, and their own schools."""
    with unit_of_work() as uow:
        request = _opened_request(uow, request_id, token, None, utcnow(), addressee)
        return _application_view(uow, request.application_id, institutions) | {
            "request_id": request.id,
            "expires_at": request.expires_at,
        }


def application_view(unit_of_work: UnitOfWorkFactory, application_id: str, institutions: set[str]) -> dict:
    with unit_of_work() as uow:
        view = _application_view(uow, application_id, institutions)
        if not any(school["grants"] for school in view["schools"]):
            raise NotFound(application_id)  # no access at their schools: they need a request link
        return view


def _application_view(uow: ScopesUnitOfWork, application_id: str, institutions: set[str]) -> dict:
    application = uow.applications.get(application_id)
    if application is None:
        raise NotFound(application_id)
    names = uow.schools.names(institutions)
    active = uow.grants.active(application_id)
    partner = uow.applications.partner(application.partner_id)
    return {
        "application_id": application.application_id,
        "name": application.name,
        "description": application.description,
        "partner_name": partner.name if partner else None,
        "partner_email": partner.email if partner else None,
        "contact_email": application.contact_email,
        "apis": list(application.apis),
        "schools": [
            {
                "institution_number": number,
                "name": names.get(number),
                "grants": sorted(grant.api for grant in active if grant.institution_number == number),
            }
            for number in sorted(institutions)
        ],
    }


def set_grants(
    unit_of_work: UnitOfWorkFactory,
    *,
    application_id: str,
    admin: str,
    institutions: set[str],
    wanted: dict[str, list[str]],
    request_id: str | None = None,
    token: str | None = None,
    addressee: str | None = None,
) -> dict:
    """A school admin's choice for their schools; the application row is locked so two admins queue."""
    now = utcnow()
    with unit_of_work() as uow:
        application = uow.applications.get(application_id, for_update=True)
        if application is None:
            raise NotFound(application_id)
        request = _opened_request(uow, request_id, token, application_id, now, addressee) if request_id else None
        active = uow.grants.active(application_id)
        change = plan_grants(
            application=application,
            active=active,
            admin_institutions=institutions,
            wanted=wanted,
            with_valid_request=request is not None,
        )
        for grant in application.change_grants(
            active, change, by=admin, now=now, request_id=request.id if request else None
        ):
            uow.grants.add(grant)
        if request is not None:
            request.answer(admin, now)
        uow.commit()
        return _application_view(uow, application_id, institutions)


def decline_request(
    unit_of_work: UnitOfWorkFactory,
    *,
    request_id: str,
    admin: str,
    reason: str | None,
    token: str | None = None,
    addressee: str | None = None,
) -> None:
    """A school admin refuses a request opened by its link or from their inbox; the partner is told."""
    now = utcnow()
    with unit_of_work() as uow:
        asked = uow.requests.get(request_id)
        if asked is None:
            raise LinkInvalid
        # the application row first, then the request's, in the order set_grants locks them
        application = uow.applications.get(asked.application_id, for_update=True)
        if application is None:
            raise NotFound(asked.application_id)
        request = _opened_request(uow, request_id, token, None, now, addressee)
        application.decline(request, by=admin, reason=reason, now=now)
        uow.commit()


def ledger(unit_of_work: UnitOfWorkFactory, where: LedgerFilter, offset: int | None, limit: int | None):
    with unit_of_work() as uow:
        return uow.grants.ledger(where, offset, limit)


# -- other services' events -------------------------------------------------------------------------
def _keep(uow: ScopesUnitOfWork, data: dict, status: str | None = None) -> ScopesApplication:
    existing = uow.applications.get(data["application_id"])
    return uow.applications.keep(
        ScopesApplication(
            data["application_id"],
            data["partner_id"],
            data.get("name") or (existing.name if existing else ""),
            data.get("description", existing.description if existing else ""),
            data.get("apis", existing.apis if existing else []),
            status or (existing.status if existing else "new"),
            contact_email=data.get("contact_email", existing.contact_email if existing else None),
        )
    )


def on_requested(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "new")


def on_approved(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "approved")


def on_linked(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "approved")


def on_changed(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data)


def on_change_approved(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    """A moderator approved an approved application's new name or added APIs: only now are they grantable."""
    _keep(uow, envelope.data)


def on_archived(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    """Archiving revokes every grant of the application."""
    application = _keep(uow, envelope.data, "archived")
    application.revoke_grants(uow.grants.active(application.application_id), lambda grant: False, utcnow())


def on_rejected(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "rejected")


def on_apis_unchecked(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    unchecked = envelope.data["apis"]
    application = uow.applications.get(envelope.data["application_id"], for_update=True)
    if application is None:
        raise NotFound(envelope.data["application_id"])
    application.apis = [api for api in application.apis if api not in unchecked]
    application.revoke_grants(
        uow.grants.active(application.application_id), lambda grant: grant.api not in unchecked, utcnow()
    )


def on_client_linked(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    """An existing client's scopes carry over as grants: the schools need not grant again."""
    data = envelope.data
    application = uow.applications.get(data["application_id"], for_update=True)
    if application is None:
        raise NotFound(data["application_id"])  # retried until apps.application.linked has arrived
    carried = [(grant["institution_number"], grant["api"]) for grant in data["grants"]]
    for grant in application.carry_over(uow.grants.active(application.application_id), carried, utcnow()):
        uow.grants.add(grant)


def on_profile(uow: ScopesUnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    uow.applications.keep_partner(PartnerName(data["partner_id"], data["name"], data.get("email")))


EVENT_HANDLERS = {
    "apps.application.requested": on_requested,
    "apps.application.approved": on_approved,
    "apps.application.linked": on_linked,
    "apps.application.changed": on_changed,
    "apps.application.change_approved": on_change_approved,
    "apps.application.rejected": on_rejected,
    "apps.application.archived": on_archived,
    "apps.application.apis_unchecked": on_apis_unchecked,
    "identity.client.linked": on_client_linked,
    "partners.profile.created": on_profile,
    "partners.profile.changed": on_profile,
    **orm.people.handlers(),
}
