"""The scopes service's domain exceptions as problem+json: one table for every blueprint."""

from __future__ import annotations

from portal_scopes.domain.access import (
    DailyLimitReached,
    GrantForUnapprovedApplication,
    InvalidRequest,
    LinkAnswered,
    LinkExpired,
    LinkInvalid,
    NothingToRenew,
    NotYourSchool,
    RequestForUnapprovedApplication,
    RequestNeeded,
)
from portal_scopes.service_layer import handlers
from portalkit.problems import ErrorMap, Problem, field_problem

ERRORS: ErrorMap = {
    InvalidRequest: lambda error: field_problem("problem.validation", error.violations),
    handlers.NotFound: lambda error: Problem(404, "problem.not_found"),
    LinkInvalid: lambda error: Problem(403, "link.invalid"),
    LinkExpired: lambda error: Problem(410, "link.expired"),
    LinkAnswered: lambda error: Problem(410, "link.answered"),
    DailyLimitReached: lambda error: Problem(
        429,
        f"requests.daily_limit_{error.scope}",
        limit=error.limit,
        headers={"Retry-After": str(error.retry_after)},
        extra={"limit": error.limit, "left": error.left},
    ),
    RequestForUnapprovedApplication: lambda error: Problem(409, "requests.app_not_approved"),
    GrantForUnapprovedApplication: lambda error: Problem(409, "grants.app_not_approved"),
    NotYourSchool: lambda error: Problem(403, "grants.not_your_school", institutions=", ".join(error.institutions)),
    RequestNeeded: lambda error: Problem(403, "grants.request_needed"),
    NothingToRenew: lambda error: Problem(404, "grants.nothing_to_renew"),
}
