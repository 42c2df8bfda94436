"""Access requests and grants (manual 3.4): schools give an application one API of one school.

A school admin acts only on the schools they administer. Without a valid request link they cannot give
a NEW application access; they can adjust an application that already has access to one of their schools.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

DAY = dt.timedelta(days=1)
MAX_EMAILS_LENGTH = 4000  # characters of the addresses field, refused before any address is read


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


class GrantRefused(Exception):
    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


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
class ScopesApplication:
    """What the scopes service knows of an application, from the apps service's events."""

    application_id: str
    partner_id: str
    name: str
    description: str
    apis: list[str]
    status: str
    grants_version: int = 0


@dataclasses.dataclass
class PartnerName:
    partner_id: str
    name: str


@dataclasses.dataclass
class AccessRequest:
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

    def state(self, now: dt.datetime) -> str:
        if self.answered_at is not None:
            return "answered"
        return "expired" if now >= self.expires_at else "open"


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


@dataclasses.dataclass(frozen=True)
class GrantChange:
    added: list[tuple[str, str]]  # (institution, api)
    removed: list[tuple[str, str]]


def plan_grants(
    *,
    application: ScopesApplication,
    active: Iterable[Grant],
    admin_institutions: set[str],
    wanted: dict[str, list[str]],
    with_valid_request: bool,
) -> GrantChange:
    """What a school admin's choice adds and removes; raises GrantRefused or InvalidRequest.

    ``wanted`` maps each institution the admin decides on to the full list of APIs it grants there
    (an empty list revokes them all); institutions not named stay as they are.
    """
    if application.status != "approved":
        raise GrantRefused("grants.app_not_approved")
    foreign = sorted(set(wanted) - admin_institutions)
    if foreign:
        raise GrantRefused("grants.not_your_school", institutions=", ".join(foreign))
    active = list(active)
    has_access_here = any(grant.institution_number in admin_institutions for grant in active)
    if not with_valid_request and not has_access_here:
        raise GrantRefused("grants.request_needed")
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
    current = {(g.institution_number, g.api) for g in active if g.institution_number in wanted}
    target = {(institution, api) for institution, apis in wanted.items() for api in set(apis)}
    return GrantChange(added=sorted(target - current), removed=sorted(current - target))
