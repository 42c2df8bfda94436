"""The apps service's one table from domain exception to problem+json, registered once on its app."""

from __future__ import annotations

from portal_apps.adapters import identity
from portal_apps.domain.model import ChangeNotPending, InvalidApplication, RemovalNotConfirmed, TransitionRefused
from portal_apps.service_layer import handlers
from portalkit.problems import ErrorMap, Problem, field_problem

ERRORS: ErrorMap = {
    InvalidApplication: lambda error: field_problem("apps.invalid", error.violations),
    handlers.NotFound: lambda error: Problem(404, "apps.not_found"),
    TransitionRefused: lambda error: Problem(
        409, "apps.transition_refused", current=error.current, wanted=error.wanted
    ),
    RemovalNotConfirmed: lambda error: Problem(
        409, "apps.removal_unconfirmed", apis=", ".join(error.apis), extra={"removed_apis": error.apis}
    ),
    ChangeNotPending: lambda error: Problem(409, "apps.change_not_pending"),
    handlers.SelfModeration: lambda error: Problem(403, "apps.self_moderation"),
    identity.InvalidClientCredentials: lambda error: Problem(
        422, "apps.client_invalid", errors=[{"field": "client_secret", "pointer": "#/client_secret"}]
    ),
    identity.ClientAlreadyLinked: lambda error: Problem(
        409, "apps.client_linked", errors=[{"field": "client_id", "pointer": "#/client_id"}]
    ),
    identity.IdentityUnavailable: lambda error: Problem(503, "apps.identity_unavailable", headers={"Retry-After": "5"}),
}
