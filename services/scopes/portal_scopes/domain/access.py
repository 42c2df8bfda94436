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

MAX_ADDRESSES = 20


class InvalidRequest(ValueError):
    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(", ".join(field for field, _, _ in violations))
        self.violations = violations


class GrantRefused(Exception):
    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


def parse_addresses(text: str) -> list[str]:
    """Semicolon-separated addresses (commas and new lines forgiven), validated and de-duplicated."""
    parts = [part.strip() for part in re.split(r"[;,\n]", text or "") if part.strip()]
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
    if len(addresses) > MAX_ADDRESSES:
        violations.append(("emails", "emails.too_many", {"max": MAX_ADDRESSES}))
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
