"""The webhook types and the body each sends, built from the portal's own events.

Bodies follow Standard Webhooks: ``{"type", "timestamp", "data"}``; ``timestamp`` is when the event
happened (not when it was sent, which ``webhook-timestamp`` says), and every ``data`` names the application.
The JSON Schema of each type is ``contracts/webhooks/<type>.json``.
"""

from __future__ import annotations

import dataclasses
import json

TEST = "webhook.test"


@dataclasses.dataclass(frozen=True)
class WebhookType:
    name: str
    source: str | None  # the portal event it comes from; None: made by the webhooks service itself
    description: str


TYPES = (
    WebhookType("application.approved", "apps.application.approved", "A moderator approved the application."),
    WebhookType("application.rejected", "apps.application.rejected", "A moderator rejected the application."),
    WebhookType(
        "application.change_approved",
        "apps.application.change_approved",
        "A moderator approved a requested change of the application (name, APIs).",
    ),
    WebhookType(
        "grants.changed",
        "scopes.grants.changed",
        "Schools granted or withdrew access: the full set, with what was added and removed, per school and API.",
    ),
    WebhookType("grants.expired", "scopes.grants.expired", "Grants reached their end date and were removed."),
    WebhookType(
        "client_secret.expiring",
        "identity.client.secret_rotated",
        "A client secret was replaced: the previous ones stop working at the moment given.",
    ),
    WebhookType(
        "access_request.answered",
        "scopes.access.answered",
        "A school admin answered an access request by granting access.",
    ),
    WebhookType("access_request.expired", "scopes.access.expired", "An access request's link ran out unanswered."),
    WebhookType(TEST, None, "Sent on request from the portal, to try an endpoint."),
)
BY_NAME = {kind.name: kind for kind in TYPES}
BY_SOURCE = {kind.source: kind for kind in TYPES if kind.source}
SUBSCRIBABLE = tuple(kind.name for kind in TYPES if kind.name != TEST)


def _pairs(items: list[dict]) -> list[dict]:
    return [{"institution_number": item["institution_number"], "api": item["api"]} for item in items]


def _data(source: str, data: dict) -> dict:
    """The partner's view of a portal event: only what concerns them, under stable names."""
    application = {"application_id": data["application_id"]}
    if source == "apps.application.approved":
        return {**application, "name": data["name"]}
    if source == "apps.application.rejected":
        return {**application, "name": data["name"], "reason": data["reason"]}
    if source == "apps.application.change_approved":
        return {
            **application,
            "name": data["name"],
            "previous_name": data["previous_name"],
            "apis": list(data["apis"]),
            "apis_added": list(data["apis_added"]),
        }
    if source == "scopes.grants.changed":
        return {
            **application,
            "grants_version": data["grants_version"],
            "grants": _pairs(data["grants"]),
            "added": _pairs(data["added"]),
            "removed": _pairs(data["removed"]),
        }
    if source == "scopes.grants.expired":
        return {
            **application,
            "expired": [
                {"institution_number": item["institution_number"], "api": item["api"], "ended_on": item["ended_on"]}
                for item in data["expired"]
            ],
        }
    if source == "identity.client.secret_rotated":
        return {**application, "client_id": data["client_id"], "secrets": [dict(s) for s in data["expiring"]]}
    if source == "scopes.access.answered":
        return {
            **application,
            "request_id": data["request_id"],
            "email": data["email"],
            "granted": _pairs(data["granted"]),
            "answered_at": data["answered_at"],
        }
    if source == "scopes.access.expired":
        return {
            **application,
            "request_id": data["request_id"],
            "email": data["email"],
            "sent_at": data["sent_at"],
            "expired_at": data["expired_at"],
        }
    raise KeyError(source)


def body(webhook_type: str, timestamp: str, data: dict) -> str:
    """The body as sent, byte for byte (signed as is, stored as is, so a redelivery sends the same bytes)."""
    return json.dumps({"type": webhook_type, "timestamp": timestamp, "data": data}, separators=(",", ":"))


def from_event(source: str, occurred_at: str, data: dict) -> tuple[str, str]:
    """(webhook type, body) for a portal event of type ``source``."""
    kind = BY_SOURCE[source]
    return kind.name, body(kind.name, occurred_at, _data(source, data))


def test_body(application_id: str, endpoint_id: str, timestamp: str) -> str:
    return body(
        TEST,
        timestamp,
        {"application_id": application_id, "endpoint_id": endpoint_id, "message": "Test event from the portal."},
    )
