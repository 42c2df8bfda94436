"""The webhooks service's domain exceptions as problem+json: one table for every view."""

from __future__ import annotations

from portal_webhooks.domain.addresses import InvalidEndpoint
from portal_webhooks.domain.endpoints import EndpointDisabledError, TooManyEndpoints
from portal_webhooks.service_layer.handlers import NotFound
from portalkit.problems import ErrorMap, Problem, field_problem

ERRORS: ErrorMap = {
    InvalidEndpoint: lambda error: field_problem("problem.validation", error.violations),
    NotFound: lambda error: Problem(404, "problem.not_found"),
    EndpointDisabledError: lambda error: Problem(409, "endpoint.disabled"),
    TooManyEndpoints: lambda error: Problem(409, "endpoint.too_many", limit=error.limit),
}
