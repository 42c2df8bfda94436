"""Use cases of the scopes service: plain functions over a unit of work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import secrets
import uuid
from collections.abc import Callable

from portal_scopes.adapters import orm
from portal_scopes.adapters.repositories import AccessRequests, Applications, Grants, LedgerFilter, Schools
from portal_scopes.domain import events
from portal_scopes.domain.access import (
    DAY,
    AccessRequest,
    Grant,
    GrantRefused,
    RequestLimits,
    ScopesApplication,
    check_daily_limits,
    parse_addresses,
    plan_grants,
)
from portal_scopes.domain.schools import parse_schools_csv
from portalkit.events.envelope import Envelope, utcnow
from portalkit.secrets import token_hash as _token_hash
from portalkit.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]
DEFAULT_LIMITS = RequestLimits()


class NotFound(LookupError):
    pass


class LinkInvalid(Exception):
    def __init__(self, reason: str):  # "invalid", "expired", "answered"
        super().__init__(reason)
        self.reason = reason


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
        repository = Schools(uow.session)
        for school in parse_schools_csv(csv_text):
            existing = repository.get(school.institution_number)
            if existing is None:
                repository.add(school)
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
        return Schools(uow.session).search(text, offset, limit)


# -- access requests --------------------------------------------------------------------------------
def request_limits(
    unit_of_work: UnitOfWorkFactory, limits: RequestLimits, partner_id: str, application_id: str | None
) -> dict:
    """The limits, and how many requests are left now for the partner and (if named) the application."""
    since = utcnow() - DAY
    with unit_of_work() as uow:
        requests = AccessRequests(uow.session)
        partner_sent = len(requests.sent_since(since, partner_id=partner_id))
        application_sent = (
            len(requests.sent_since(since, partner_id=partner_id, application_id=application_id))
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
    addresses = parse_addresses(emails, limits.addresses_per_request)
    now = utcnow()
    created = []
    with unit_of_work() as uow:
        application = Applications(uow.session).get(application_id)
        if application is None or application.partner_id != partner_id:
            raise NotFound(application_id)
        if application.status != "approved":
            raise GrantRefused("requests.app_not_approved")
        requests = AccessRequests(uow.session)
        check_daily_limits(
            limits,
            len(addresses),
            requests.sent_since(now - DAY, partner_id=partner_id, application_id=application_id),
            requests.sent_since(now - DAY, partner_id=partner_id),
            now,
        )
        partner_name = Applications(uow.session).partner_name(partner_id) or application.name
        for address in addresses:
            token = secrets.token_urlsafe(32)
            request = AccessRequest(
                str(uuid.uuid4()),
                application_id,
                partner_id,
                address,
                _token_hash(token),
                requested_by,
                now,
                now + dt.timedelta(days=valid_days),
            )
            AccessRequests(uow.session).add(request)
            url = f"{public_url.rstrip('/')}/backoffice/#/requests/{request.id}?token={token}"
            uow.publish(
                events.AccessRequested(
                    request.id,
                    application_id,
                    application.name,
                    partner_id,
                    partner_name,
                    address,
                    list(application.apis),
                    url,
                    request.expires_at.isoformat(),
                )
            )
            created.append(request)
        uow.commit()
    return created


def requests_of_partner(unit_of_work: UnitOfWorkFactory, partner_id: str, application_id: str | None):
    with unit_of_work() as uow:
        return AccessRequests(uow.session).of_partner(partner_id, application_id)


def _valid_request(
    uow, request_id: str | None, token: str | None, application_id: str | None, now
) -> AccessRequest | None:
    """The request behind a link, checked; None when no link was given."""
    if not request_id:
        return None
    request = AccessRequests(uow.session).get(request_id, for_update=True)
    if request is None or not token or not hmac.compare_digest(request.token_hash, _token_hash(token)):
        raise LinkInvalid("invalid")
    if application_id and request.application_id != application_id:
        raise LinkInvalid("invalid")
    state = request.state(now)
    if state != "open":
        raise LinkInvalid(state)
    return request


def request_view(unit_of_work: UnitOfWorkFactory, request_id: str, token: str, institutions: set[str]) -> dict:
    """What the school admin sees when the mail's link opens: the app, and their own schools."""
    with unit_of_work() as uow:
        request = _valid_request(uow, request_id, token, None, utcnow())
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


def _application_view(uow, application_id: str, institutions: set[str]) -> dict:
    applications = Applications(uow.session)
    application = applications.get(application_id)
    if application is None:
        raise NotFound(application_id)
    names = Schools(uow.session).names(institutions)
    active = Grants(uow.session).active(application_id)
    return {
        "application_id": application.application_id,
        "name": application.name,
        "description": application.description,
        "partner_name": applications.partner_name(application.partner_id),
        "apis": list(application.apis),
        "schools": [
            {
                "institution_number": number,
                "name": names.get(number),
                "grants": sorted(g.api for g in active if g.institution_number == number),
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
) -> dict:
    """A school admin's choice for their schools; the application row is locked so two admins queue."""
    now = utcnow()
    with unit_of_work() as uow:
        application = Applications(uow.session).get(application_id, for_update=True)
        if application is None:
            raise NotFound(application_id)
        request = _valid_request(uow, request_id, token, application_id, now)
        grants = Grants(uow.session)
        active = grants.active(application_id)
        change = plan_grants(
            application=application,
            active=active,
            admin_institutions=institutions,
            wanted=wanted,
            with_valid_request=request is not None,
        )
        for institution, api in change.removed:
            grant = next(g for g in active if (g.institution_number, g.api) == (institution, api))
            grant.revoked_at, grant.revoked_by = now, admin
        for institution, api in change.added:
            grants.add(Grant(application_id, institution, api, now, admin, request.id if request else None))
        if request is not None:
            request.answered_at, request.answered_by = now, admin
        _announce(uow, application, change.added, change.removed)
        uow.commit()
        return _application_view(uow, application_id, institutions)


def _announce(uow, application: ScopesApplication, added, removed) -> None:
    if not added and not removed:
        return
    uow.session.flush()
    application.grants_version += 1

    def as_dicts(pairs):
        return [{"api": api, "institution_number": institution} for institution, api in pairs]

    current = [(g.institution_number, g.api) for g in Grants(uow.session).active(application.application_id)]
    uow.publish(
        events.GrantsChanged(
            application.application_id,
            application.grants_version,
            as_dicts(sorted(current)),
            as_dicts(added),
            as_dicts(removed),
        )
    )


def ledger(unit_of_work: UnitOfWorkFactory, where: LedgerFilter, offset: int | None, limit: int | None):
    with unit_of_work() as uow:
        return Grants(uow.session).ledger(where, offset, limit)


# -- other services' events -------------------------------------------------------------------------
def _keep(uow, data: dict, status: str | None = None) -> ScopesApplication:
    applications = Applications(uow.session)
    existing = applications.get(data["application_id"])
    return applications.keep(
        ScopesApplication(
            data["application_id"],
            data["partner_id"],
            data.get("name") or (existing.name if existing else ""),
            data.get("description", existing.description if existing else ""),
            data.get("apis", existing.apis if existing else []),
            status or (existing.status if existing else "new"),
        )
    )


def _revoke(uow, application: ScopesApplication, keep) -> None:
    removed = []
    for grant in Grants(uow.session).active(application.application_id):
        if not keep(grant):
            grant.revoked_at, grant.revoked_by = utcnow(), "system"
            removed.append((grant.institution_number, grant.api))
    _announce(uow, application, [], removed)


def on_requested(uow: UnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "new")


def on_approved(uow: UnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "approved")


def on_linked(uow: UnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "approved")


def on_changed(uow: UnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data)


def on_change_approved(uow: UnitOfWork, envelope: Envelope) -> None:
    """A moderator approved an approved application's new name or added APIs: only now are they grantable."""
    _keep(uow, envelope.data)


def on_archived(uow: UnitOfWork, envelope: Envelope) -> None:
    """Archiving revokes every grant of the application."""
    application = _keep(uow, envelope.data, "archived")
    _revoke(uow, application, keep=lambda grant: False)


def on_rejected(uow: UnitOfWork, envelope: Envelope) -> None:
    _keep(uow, envelope.data, "rejected")


def on_apis_unchecked(uow: UnitOfWork, envelope: Envelope) -> None:
    application = Applications(uow.session).get(envelope.data["application_id"], for_update=True)
    if application is None:
        raise NotFound(envelope.data["application_id"])
    application.apis = [api for api in application.apis if api not in envelope.data["apis"]]
    _revoke(uow, application, keep=lambda grant: grant.api not in envelope.data["apis"])


def on_client_linked(uow: UnitOfWork, envelope: Envelope) -> None:
    """An existing client's scopes carry over as grants: the schools need not grant again."""
    data = envelope.data
    application = Applications(uow.session).get(data["application_id"], for_update=True)
    if application is None:
        raise NotFound(data["application_id"])  # retried until apps.application.linked has arrived
    grants = Grants(uow.session)
    present = {(g.institution_number, g.api) for g in grants.active(application.application_id)}
    now = utcnow()
    for grant in data["grants"]:
        key = (grant["institution_number"], grant["api"])
        if key not in present:
            grants.add(Grant(application.application_id, key[0], key[1], now, "carried-over", carried_over=True))
            present.add(key)
    uow.session.flush()
    application.grants_version += 1  # the identity service has these grants already; keep versions ahead


def on_profile(uow: UnitOfWork, envelope: Envelope) -> None:
    Applications(uow.session).keep_partner_name(envelope.data["partner_id"], envelope.data["name"])


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
