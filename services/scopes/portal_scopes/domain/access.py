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
from portal_scopes.domain.school_year import SchoolYear, has_ended, today_in_brussels
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


class NothingToRenew(Exception):
    """The application has no active grant at the school to renew (404)."""


def choose_end(picked: dt.date | None, today: dt.date, school_year: SchoolYear, field: str) -> dt.date:
    """A new grant's end date: the one the school admin picked, or the end of the school year. A picked date
    lies between today and the end of the next school year (what renewing would give), both included."""
    if picked is None:
        return school_year.end_of(today)
    latest = school_year.end_of_next(today)
    if picked < today:
        raise InvalidRequest([(field, "grants.ends_on_past", {"today": today.isoformat()})])
    if picked > latest:
        raise InvalidRequest([(field, "grants.ends_on_too_late", {"latest": latest.isoformat()})])
    return picked


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
    reminder_token_hash: str | None = None  # the reminder mail's own link to the same request
    reminded_at: dt.datetime | None = None
    expired_at: dt.datetime | None = None  # when the sweep marked it expired and told the partner

    def state(self, now: dt.datetime) -> str:
        if self.answered_at is not None:
            return "declined" if self.declined else "answered"
        return "expired" if self.expired_at is not None or now >= self.expires_at else "open"

    def reminder_due(self, now: dt.datetime) -> bool:
        """Halfway through its life an open request not yet reminded gets its one reminder."""
        halfway = self.created_at + (self.expires_at - self.created_at) / 2
        return self.state(now) == "open" and self.reminded_at is None and now >= halfway

    def expiry_due(self, now: dt.datetime) -> bool:
        """Unanswered past its end and not yet marked: the sweep marks it and tells the partner."""
        return self.answered_at is None and self.expired_at is None and now >= self.expires_at

    def _matches(self, token: str | None) -> bool:
        if not token:
            return False
        given = token_hash(token)
        return any(hmac.compare_digest(known, given) for known in (self.token_hash, self.reminder_token_hash) if known)

    def addressed_to(self, email: str | None) -> bool:
        return bool(email) and self.email.lower() == email.lower()

    def opened(
        self, token: str | None, now: dt.datetime, application_id: str | None = None, *, addressee: str | None = None
    ) -> AccessRequest:
        """This request, when ``token`` is its link's or the request was mailed to ``addressee`` (the admin opens
        it from their inbox), when it is about ``application_id`` (if given) and still open; raises a
        :class:`LinkUnusable` otherwise."""
        if not self._matches(token) and not self.addressed_to(addressee):
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
    ends_on: dt.date | None = None  # the grant works until the end of this day, Brussels time
    reminded_at: dt.datetime | None = None  # the renewal reminder for the current end date
    renewed_at: dt.datetime | None = None  # the last time a school admin moved the end date
    renewed_by: str | None = None
    expired: bool = False  # revoked by the system because its end date passed
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def key(self) -> tuple[str, str]:
        return self.institution_number, self.api

    def revoke(self, by: str, now: dt.datetime) -> None:
        self.revoked_at, self.revoked_by = now, by

    def reminder_due(self, now: dt.datetime, days_before: int) -> bool:
        """Once per end date, ``days_before`` days before it (or later, when the grant came late)."""
        return (
            self.revoked_at is None
            and self.reminded_at is None
            and self.ends_on is not None
            and not has_ended(self.ends_on, now)
            and today_in_brussels(now) >= self.ends_on - dt.timedelta(days=days_before)
        )

    def move_end(self, ends_on: dt.date, by: str, now: dt.datetime) -> None:
        """A new end date gets its own reminder."""
        if ends_on != self.ends_on:
            self.ends_on, self.renewed_at, self.renewed_by, self.reminded_at = ends_on, now, by, None


@dataclasses.dataclass
class RenewalLink:
    """The one-click "renew for next school year" of a reminder mail: one application at one school, mailed to
    one school admin; like a request's link it works once, for a while, and only its hash is kept."""

    id: str
    application_id: str
    institution_number: str
    email: str
    token_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    used_by: str | None = None

    def opened(self, token: str | None, now: dt.datetime) -> RenewalLink:
        if not token or not hmac.compare_digest(self.token_hash, token_hash(token)):
            raise LinkInvalid
        if self.used_at is not None:
            raise LinkAnswered
        if now >= self.expires_at:
            raise LinkExpired
        return self

    def use(self, by: str, now: dt.datetime) -> None:
        self.used_at, self.used_by = now, by


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
            url = _link(public_url, f"/backoffice/#/requests/{request.id}", token)
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

    def answer_request(
        self, request: AccessRequest, granted: Iterable[tuple[str, str]], *, by: str, now: dt.datetime
    ) -> None:
        """A school admin answered the request by granting: ``granted`` is what the application may now read
        at the schools they decided on."""
        request.answer(by, now)
        self.events.append(
            events.AccessAnswered(
                request.id,
                self.application_id,
                self.name,
                self.partner_id,
                request.email,
                _as_dicts(sorted(granted)),
                now.isoformat(),
            )
        )

    def remind_request(
        self, request: AccessRequest, *, now: dt.datetime, public_url: str, partner_name: str | None
    ) -> None:
        """The one reminder halfway: the request's link is kept only as a hash, so the reminder carries a
        second link of its own to the same request, valid as long as the first."""
        token = secrets.token_urlsafe(32)
        request.reminder_token_hash, request.reminded_at = token_hash(token), now
        self.events.append(
            events.AccessReminded(
                request.id,
                self.application_id,
                self.name,
                self.partner_id,
                partner_name or self.name,
                request.email,
                list(self.apis),
                _link(public_url, f"/backoffice/#/requests/{request.id}", token),
                request.expires_at.isoformat(),
            )
        )

    def expire_request(self, request: AccessRequest, *, now: dt.datetime) -> None:
        """An unanswered request whose link ran out: marked, and the partner told it may send it again."""
        request.expired_at = now
        self.events.append(
            events.AccessExpired(
                request.id,
                self.application_id,
                self.name,
                self.partner_id,
                request.email,
                request.created_at.isoformat(),
                request.expires_at.isoformat(),
            )
        )

    def change_grants(
        self,
        active: list[Grant],
        change: GrantChange,
        *,
        by: str,
        now: dt.datetime,
        ends_on: dict[str, dt.date],
        picked: Iterable[str] = (),
        request_id: str | None = None,
    ) -> list[Grant]:
        """Revoke what ``change`` removes from the ``active`` grants and return the grants it adds, each ending
        on its school's ``ends_on``; at the ``picked`` schools (an end date the admin chose) the grants kept
        move to it too."""
        removed, picked = set(change.removed), set(picked)
        for grant in active:
            if grant.key in removed:
                grant.revoke(by, now)
            elif grant.institution_number in picked:
                grant.move_end(ends_on[grant.institution_number], by, now)
        added = [
            Grant(self.application_id, school, api, now, by, request_id, ends_on=ends_on[school])
            for school, api in change.added
        ]
        self._announce(active, change.added, change.removed)
        return added

    def expire_grants(self, active: list[Grant], now: dt.datetime) -> list[Grant]:
        """The system revokes the active grants whose end date has passed: the grant set shrinks as any
        revocation does, and the partner is told why."""
        ended = [grant for grant in active if grant.ends_on is not None and has_ended(grant.ends_on, now)]
        if not ended:
            return []
        for grant in ended:
            grant.revoke("system", now)
            grant.expired = True
        self._announce(active, [], [grant.key for grant in ended])
        self.events.append(
            events.GrantsExpired(
                self.application_id,
                self.name,
                self.partner_id,
                [
                    {"api": g.api, "institution_number": g.institution_number, "ended_on": g.ends_on.isoformat()}
                    for g in sorted(ended, key=lambda grant: grant.key)
                ],
            )
        )
        return ended

    def renew(
        self, active: list[Grant], institution: str, *, by: str, now: dt.datetime, school_year: SchoolYear
    ) -> dt.date:
        """Every active grant at the school ends at the end of the next school year (never sooner than it
        did); renewing twice changes nothing more."""
        at_school = [grant for grant in active if grant.institution_number == institution]
        if not at_school:
            raise NothingToRenew(institution)
        until = school_year.end_of_next(today_in_brussels(now))
        for grant in at_school:
            grant.move_end(max(grant.ends_on or until, until), by, now)
        return until

    def remind_renewal(
        self,
        due: list[Grant],
        *,
        addressees: dict[str, list[str]],
        school_names: dict[str, str],
        partner_name: str | None,
        now: dt.datetime,
        public_url: str,
        valid_days: int,
        school_year: SchoolYear,
    ) -> list[RenewalLink]:
        """One reminder per end date: each school's admins (``addressees``: institution -> addresses) get a
        one-click renewal link, and the partner hears which schools have not renewed yet."""
        if not due:
            return []
        by_school: dict[str, list[Grant]] = {}
        for grant in due:
            by_school.setdefault(grant.institution_number, []).append(grant)
            grant.reminded_at = now
        until = school_year.end_of_next(today_in_brussels(now))
        links, schools = [], []
        for school, grants in sorted(by_school.items()):
            ends_on = min(grant.ends_on for grant in grants).isoformat()
            apis = sorted({grant.api for grant in grants})
            schools.append(
                {
                    "institution_number": school,
                    "school_name": school_names.get(school),
                    "apis": apis,
                    "ends_on": ends_on,
                }
            )
            for email in addressees.get(school, []):
                token = secrets.token_urlsafe(32)
                link = RenewalLink(
                    str(uuid.uuid4()),
                    self.application_id,
                    school,
                    email,
                    token_hash(token),
                    now,
                    now + dt.timedelta(days=valid_days),
                )
                self.events.append(
                    events.RenewalDue(
                        link.id,
                        self.application_id,
                        self.name,
                        partner_name or self.name,
                        school,
                        school_names.get(school),
                        email,
                        apis,
                        ends_on,
                        until.isoformat(),
                        _link(public_url, f"/backoffice/#/renewals/{link.id}", token),
                        link.expires_at.isoformat(),
                    )
                )
                links.append(link)
        self.events.append(events.GrantsExpiring(self.application_id, self.name, self.partner_id, schools))
        return links

    def revoke_grants(self, active: list[Grant], keep, now: dt.datetime) -> None:
        """The system revokes every active grant ``keep`` refuses (an archived application, an unchecked API)."""
        removed = []
        for grant in active:
            if not keep(grant):
                grant.revoke("system", now)
                removed.append(grant.key)
        self._announce(active, [], removed)

    def carry_over(
        self, active: list[Grant], grants: Iterable[tuple[str, str]], now: dt.datetime, school_year: SchoolYear
    ) -> list[Grant]:
        """A linked client's grants that are not active yet, ending with the school year like any other. The
        identity service has them already, so nothing is announced, but the version moves ahead of those it
        knows."""
        present = {grant.key for grant in active}
        ends_on = school_year.end_of(today_in_brussels(now))
        added = []
        for school, api in grants:
            if (school, api) not in present:
                added.append(
                    Grant(self.application_id, school, api, now, "carried-over", carried_over=True, ends_on=ends_on)
                )
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


def _link(public_url: str, path: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{path}?token={token}"


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
