"""The identity service's one table from domain exception to problem+json, registered once on its app.

The OAuth endpoints and the hosted pages answer in their own formats (RFC 6749, HTML) and catch what they
need themselves."""

from __future__ import annotations

from portal_identity.domain.accounts import InvalidAccount, NotInvited, OwnRole, ResendTooSoon
from portal_identity.domain.clients import ReasonRequired, UnknownSecret
from portal_identity.service_layer import accounts, clients
from portalkit.problems import ErrorMap, Problem, field_problem

ERRORS: ErrorMap = {
    InvalidAccount: lambda error: field_problem("accounts.invalid", error.violations),
    accounts.LinkInvalid: lambda error: Problem(400, "accounts.link_invalid"),
    accounts.EmailTaken: lambda error: Problem(
        409, "accounts.email_taken", errors=[{"field": "email", "pointer": "#/email"}]
    ),
    accounts.AccountNotFound: lambda error: Problem(404, "accounts.not_found"),
    accounts.OwnAccount: lambda error: Problem(409, "accounts.own_account"),
    OwnRole: lambda error: Problem(409, "accounts.own_role", errors=[{"field": "role", "pointer": "#/role"}]),
    NotInvited: lambda error: Problem(409, "accounts.not_invited"),
    ResendTooSoon: lambda error: Problem(
        429,
        "accounts.resend_too_soon",
        seconds=error.retry_after,
        headers={"Retry-After": str(error.retry_after)},
    ),
    clients.UnknownClient: lambda error: Problem(404, "clients.not_found"),
    UnknownSecret: lambda error: Problem(404, "clients.secret_not_found"),
    ReasonRequired: lambda error: field_problem("clients.reason_missing", [("reason", "reason.required", {})]),
    clients.InvalidClientCredentials: lambda error: Problem(
        422, "clients.invalid_credentials", errors=[{"field": "client_secret", "pointer": "#/client_secret"}]
    ),
    clients.ClientAlreadyLinked: lambda error: Problem(
        409, "clients.already_linked", errors=[{"field": "client_id", "pointer": "#/client_id"}]
    ),
}
