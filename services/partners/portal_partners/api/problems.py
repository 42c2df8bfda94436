"""The partners service's one table from domain exception to problem+json, registered once on its app."""

from __future__ import annotations

from portal_partners.domain.invitations import InvitationInvalid, InvitationNotOpen
from portal_partners.domain.profiles import InvalidProfile
from portal_partners.service_layer import handlers
from portalkit.problems import ErrorMap, Problem, field_problem


def _invalid_profile(error: InvalidProfile) -> Problem:
    too_large = any(key == "logo.too_large" for _, key, _ in error.violations)  # RFC 9110: 413, as for bodies
    return field_problem("profile.invalid", error.violations, status=413 if too_large else 422)


ERRORS: ErrorMap = {
    InvalidProfile: _invalid_profile,
    handlers.NoProfile: lambda error: Problem(404, "profile.none"),
    handlers.ProfileInactive: lambda error: Problem(403, "profile.inactive"),
    handlers.AlreadyLinked: lambda error: Problem(409, "profile.already_linked"),
    handlers.NameTaken: lambda error: Problem(
        409, "profile.name_taken", name=error.name, errors=[{"field": "name", "pointer": "#/name"}]
    ),
    InvitationInvalid: lambda error: Problem(
        400, f"invitation.{error.reason}", errors=[{"field": "code", "pointer": "#/code"}]
    ),
    InvitationNotOpen: lambda error: Problem(409, "invitation.not_open"),
    handlers.TooManyGuesses: lambda error: Problem(429, "invitation.too_many", headers={"Retry-After": "900"}),
    handlers.NotFound: lambda error: Problem(404, "problem.not_found"),
}
