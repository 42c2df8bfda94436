"""Schemathesis hooks of the contract fuzz run (``tests/contracts/test_fuzz.py``), loaded by the CLI through
``SCHEMATHESIS_HOOKS``: each operation gets a token of a role it documents (``x-roles``), and ``X-Pagination``
is checked against the JSON schema its contract declares."""

from __future__ import annotations

import base64
import json
import os

import jsonschema
import schemathesis

# {"partner": "<jwt>", "moderator": "<jwt>", "school-admin": "<jwt>"}, signed in by the test just before the run.
TOKENS: dict[str, str] = json.loads(os.environ.get("PORTAL_FUZZ_TOKENS", "{}"))


def role_for(operation: dict) -> str | None:
    """The role to call ``operation`` as: one it documents; a signed-in partner where any person will do."""
    if not operation.get("security"):
        return None
    roles = operation.get("x-roles") or ["partner"]
    return next((role for role in roles if role in TOKENS), roles[0])


def _subject(token: str) -> str | None:
    """The ``sub`` claim of a token (read, not verified: only to know whose it is)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    except (IndexError, ValueError, KeyError):
        return None


# The accounts this run is signed in as. Deactivating one (the stateful phase follows the links from the
# account list to /deactivate) ends its sessions: every later operation of that role then answers only 401,
# and the next service's sign-in fails. Those calls go to an account id that does not exist instead.
SIGNED_IN_ACCOUNTS = {subject for subject in map(_subject, TOKENS.values()) if subject}
NOT_AN_ACCOUNT = "fuzz-no-such-account"


@schemathesis.hook
def before_call(ctx, case, kwargs):
    parameters = case.path_parameters or {}
    if parameters.get("account_id") in SIGNED_IN_ACCOUNTS:
        case.path_parameters = {**parameters, "account_id": NOT_AN_ACCOUNT}


@schemathesis.auth(refresh_interval=None, retry_on=[])
class PortalRoles:
    def get(self, case, ctx):
        role = role_for(ctx.operation.definition.raw)
        return TOKENS.get(role) if role else None

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schemathesis.check
def x_pagination_is_the_declared_json(ctx, response, case):
    """The header's contract is JSON (``content: application/json``), which the built-in header check skips."""
    if case.method.upper() != "GET":  # e.g. the OPTIONS or TRACE of the unsupported-method check
        return None
    declared = case.operation.definition.raw.get("responses", {}).get(str(response.status_code), {})
    if "X-Pagination" not in (declared.get("headers") or {}):
        return None
    document = case.operation.schema.raw_schema
    schema = {**document["components"]["schemas"]["Pagination"], "components": document["components"]}
    value = response.headers.get("x-pagination")
    if value is None:
        raise AssertionError("X-Pagination is missing on a list answer")
    try:
        jsonschema.validate(json.loads(value[0]), schema)
    except (ValueError, jsonschema.ValidationError) as error:
        raise AssertionError(f"X-Pagination {value[0]!r} is not the declared JSON: {error}") from None
    return None
