"""Access requests and grants (manual 3.4): schools give an application one API of one school.

A school admin acts only on the schools they administer. Without a valid request link they cannot give
a NEW application access; they can adjust an application that already has access to one of their schools.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import re
import secrets
import uuid
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

from portal_scopes.domain import events
from portalkit.secrets import token_hash

DAY = dt.timedelta(days=1)
MAX_EMAILS_LENGTH = 4000  # characters of the addresses field, refused before any address is read
MAX_DECLINE_REASON_LENGTH = 2000


@dataclasses.dataclass(frozen=True)
class RequestLimits:
    """How much mail a partner can make the portal send to school admins (every request is a mail with the
    partner's application name in it): addresses per request, and requests per application and per partner
    within any 24 hours."""

    addresses_per_request: int = 10
    per_application_per_day: int = 30
    per_partner_per_day: int = 100


class DailyLimitReached(Exception):
    def __init__(self, scope: str, limit: int, left: int, retry_after: int):
        super().__init__(scope)
        self.scope = scope  # "application" or "partner"
        self.limit = limit
        self.left = left
        self.retry_after = retry_after  # seconds until enough of the day's requests have aged out


def check_daily_limits(
    limits: RequestLimits,
    new: int,
    sent_for_application: list[dt.datetime],
    sent_by_partner: list[dt.datetime],
    now: dt.datetime,
) -> None:
    """``sent_...``: when the requests of the last 24 hours were made. Raises :class:`DailyLimitReached`
    when ``new`` more would pass a limit."""
    for scope, sent, limit in (
        ("application", sent_for_application, limits.per_application_per_day),
        ("partner", sent_by_partner, limits.per_partner_per_day),
    ):
        recent = sorted(moment for moment in sent if now - moment < DAY)
        if len(recent) + new > limit:
            freed_by = recent[min(len(recent) + new - limit, len(recent)) - 1] + DAY if recent else now
            retry_after = max(1, int((freed_by - now).total_seconds()) + 1)
            raise DailyLimitReached(scope, limit, max(0, limit - len(recent)), retry_after)


class InvalidRequest(ValueError):
    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


class ApplicationNotApproved(Exception):
    """Only an approved application may be asked for access or be given it; it may be approved later (409)."""

    def __init__(self, application_id: str):
        super().__init__(application_id)
        self.application_id = application_id


class RequestForUnapprovedApplication(ApplicationNotApproved):
    """A partner asked schools for access for an application a moderator has not approved."""


class GrantForUnapprovedApplication(ApplicationNotApproved):
    """A school admin chose grants for an application that is not (or no longer) approved."""


class GrantRefused(Exception):
    """The school admin may not make this choice, whatever the application's state (403)."""


class NotYourSchool(GrantRefused):
    def __init__(self, institutions: list[str]):
        super().__init__(", ".join(institutions))
        self.institutions = institutions


class RequestNeeded(GrantRefused):
    """Without a valid request link an admin cannot give an application its first access to their schools."""


class LinkUnusable(Exception):
    """The link of a request mail cannot be used (any more)."""


class LinkInvalid(LinkUnusable):
    """No such request, a wrong token, or the request of another application (403)."""


class LinkExpired(LinkUnusable):
    """The link is older than its validity (410: gone for good)."""


class LinkAnswered(LinkUnusable):
    """An admin answered the request already (410: gone for good)."""


def parse_addresses(text: str, max_addresses: int = RequestLimits.addresses_per_request) -> list[str]:
    """Semicolon-separated addresses (commas and new lines forgiven), validated and de-duplicated. Too long a
    text or too many parts are refused before any address is validated (that is what costs)."""
    if len(text or "") > MAX_EMAILS_LENGTH:
        raise InvalidRequest([("emails", "emails.too_long", {"max": MAX_EMAILS_LENGTH})])
    parts = [part.strip() for part in re.split(r"[;,\n]", text or "") if part.strip()]
    if len(dict.fromkeys(part.lower() for part in parts)) > max_addresses:
        raise InvalidRequest([("emails", "emails.too_many", {"max": max_addresses})])
    violations, addresses = [], {}
    for part in parts:
        try:
            normalized = validate_email(part, check_deliverability=False).normalized
        except EmailNotValidError:
            violations.append(("emails", "emails.invalid", {"address": part}))
            continue
        addresses.setdefault(normalized.lower(), normalized)
    if not parts:
        violations.append(("emails", "emails.none", {}))
    if violations:
        raise InvalidRequest(violations)
    return list(addresses.values())


@dataclasses.dataclass
class AccessRequest:
    """One mail to one school admin, asking access for an application; its link works once, for a while."""

    id: str
    application_id: str
    partner_id: str
    email: str
    token_hash: str
    requested_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    answered_at: dt.datetime | None = None
    answered_by: str | None = None
    declined: bool = False
    decline_reason: str | None = None

    def state(self, now: dt.datetime) -> str:
        if self.answered_at is not None:
            return "declined" if self.declined else "answered"
        return "expired" if now >= self.expires_at else "open"

    def addressed_to(self, email: str | None) -> bool:
        return bool(email) and self.email.lower() == email.lower()

    def opened(
        self, token: str | None, now: dt.datetime, application_id: str | None = None, *, addressee: str | None = None
    ) -> AccessRequest:
        """This request, when ``token`` is its link's or the request was mailed to ``addressee`` (the admin opens
        it from their inbox), when it is about ``application_id`` (if given) and still open; raises a
        :class:`LinkUnusable` otherwise."""
        by_link = bool(token) and hmac.compare_digest(self.token_hash, token_hash(token))
        if not by_link and not self.addressed_to(addressee):
            raise LinkInvalid
        if application_id and self.application_id != application_id:
            raise LinkInvalid
        state = self.state(now)
        if state in ("answered", "declined"):
            raise LinkAnswered
        if state == "expired":
            raise LinkExpired
        return self

    def answer(self, admin: str, now: dt.datetime) -> None:
        self.answered_at, self.answered_by = now, admin


@dataclasses.dataclass
class Grant:
    """One API of one school for one application; revoking keeps the row (the consent ledger)."""

    application_id: str
    institution_number: str
    api: str
    granted_at: dt.datetime
    granted_by: str
    request_id: str | None = None
    carried_over: bool = False
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def key(self) -> tuple[str, str]:
        return self.institution_number, self.api

    def revoke(self, by: str, now: dt.datetime) -> None:
        self.revoked_at, self.revoked_by = now, by


@dataclasses.dataclass(frozen=True)
class GrantChange:
    added: list[tuple[str, str]]  # (institution, api)
    removed: list[tuple[str, str]]


@dataclasses.dataclass
class ScopesApplication:
    """What the scopes service knows of an application, from the apps service's events; the aggregate whose
    grants change together, each change announced with the next ``grants_version``."""

    application_id: str
    partner_id: str
    name: str
    description: str
    apis: list[str]
    status: str
    grants_version: int = 0
    contact_email: str | None = None
    events: list = dataclasses.field(default_factory=list, init=False, repr=False, compare=False)

    def ask_access(
        self,
        addresses: list[str],
        *,
        limits: RequestLimits,
        sent_for_application: list[dt.datetime],
        sent_by_partner: list[dt.datetime],
        partner_name: str | None,
        requested_by: str,
        now: dt.datetime,
        valid_days: int,
        public_url: str,
    ) -> list[AccessRequest]:
        """A request per address, each announced with the link of its mail (the token is in the link only),
        within the daily limits (see :func:`check_daily_limits`)."""
        if self.status != "approved":
            raise RequestForUnapprovedApplication(self.application_id)
        check_daily_limits(limits, len(addresses), sent_for_application, sent_by_partner, now)
        requests = []
        for address in addresses:
            token = secrets.token_urlsafe(32)
            request = AccessRequest(
                str(uuid.uuid4()),
                self.application_id,
                self.partner_id,
                address,
                token_hash(token),
                requested_by,
                now,
                now + dt.timedelta(days=valid_days),
            )
            url = f"{public_url.rstrip('/')}/backoffice/#/requests/{request.id}?token={token}"
            self.events.append(
                events.AccessRequested(
                    request.id,
                    self.application_id,
                    self.name,
                    self.partner_id,
                    partner_name or self.name,
                    address,
                    list(self.apis),
                    url,
                    request.expires_at.isoformat(),
                )
            )
            requests.append(request)
        return requests

    def decline(self, request: AccessRequest, *, by: str, reason: str | None, now: dt.datetime) -> None:
        """A school admin refuses an open request (opened like for granting); the partner is told, with the
        reason if one is given. Grants stay as they are."""
        request.answer(by, now)
        request.declined, request.decline_reason = True, (reason or "").strip() or None
        self.events.append(
            events.AccessDeclined(
                request.id,
                self.application_id,
                self.name,
                self.partner_id,
                request.email,
                request.decline_reason,
            )
        )

    def change_grants(
        self, active: list[Grant], change: GrantChange, *, by: str, now: dt.datetime, request_id: str | None = None
    ) -> list[Grant]:
        """Revoke what ``change`` removes from the ``active`` grants and return the grants it adds."""
        removed = set(change.removed)
        for grant in active:
            if grant.key in removed:
                grant.revoke(by, now)
        added = [Grant(self.application_id, school, api, now, by, request_id) for school, api in change.added]
        self._announce(active, change.added, change.removed)
        return added

    def revoke_grants(self, active: list[Grant], keep, now: dt.datetime) -> None:
        """The system revokes every active grant ``keep`` refuses (an archived application, an unchecked API)."""
        removed = []
        for grant in active:
            if not keep(grant):
                grant.revoke("system", now)
                removed.append(grant.key)
        self._announce(active, [], removed)

    def carry_over(self, active: list[Grant], grants: Iterable[tuple[str, str]], now: dt.datetime) -> list[Grant]:
        """A linked client's grants that are not active yet. The identity service has them already, so
        nothing is announced, but the version moves ahead of those it knows."""
        present = {grant.key for grant in active}
        added = []
        for school, api in grants:
            if (school, api) not in present:
                added.append(Grant(self.application_id, school, api, now, "carried-over", carried_over=True))
                present.add((school, api))
        self.grants_version += 1
        return added

    def _announce(self, active: list[Grant], added: list[tuple[str, str]], removed: list[tuple[str, str]]) -> None:
        if not added and not removed:
            return
        self.grants_version += 1
        current = sorted({grant.key for grant in active} - set(removed) | set(added))
        self.events.append(
            events.GrantsChanged(
                self.application_id, self.grants_version, _as_dicts(current), _as_dicts(added), _as_dicts(removed)
            )
        )


def _as_dicts(pairs) -> list[dict]:
    return [{"api": api, "institution_number": institution} for institution, api in pairs]


@dataclasses.dataclass
class PartnerName:
    partner_id: str
    name: str
    email: str | None = None  # the profile's contact address, shown to the school admins asked for access


def plan_grants(
    *,
    application: ScopesApplication,
    active: Iterable[Grant],
    admin_institutions: set[str],
    wanted: dict[str, list[str]],
    with_valid_request: bool,
) -> GrantChange:
    """What a school admin's choice adds and removes; raises a refusal or :class:`InvalidRequest`.

    ``wanted`` maps each institution the admin decides on to the full list of APIs it grants there
    (an empty list revokes them all); institutions not named stay as they are.
    """
    if application.status != "approved":
        raise GrantForUnapprovedApplication(application.application_id)
    foreign = sorted(set(wanted) - admin_institutions)
    if foreign:
        raise NotYourSchool(foreign)
    active = list(active)
    has_access_here = any(grant.institution_number in admin_institutions for grant in active)
    if not with_valid_request and not has_access_here:
        raise RequestNeeded
    violations = []
    for institution, apis in wanted.items():
        for api in apis:
            if api not in application.apis:
                violations.append(
                    (
                        f"grants.{institution}",
                        "grants.api_not_checked",
                        {"api": api, "apis": ", ".join(application.apis)},
                    )
                )
    if violations:
        raise InvalidRequest(violations)
    current = {grant.key for grant in active if grant.institution_number in wanted}
    target = {(institution, api) for institution, apis in wanted.items() for api in set(apis)}
    return GrantChange(added=sorted(target - current), removed=sorted(current - target))
