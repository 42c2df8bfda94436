"""Every webhook body the service builds meets its JSON Schema in contracts/webhooks/, and every type has one
(and every schema a type): the contract cannot drift from the code."""

import json
import uuid

import pytest
from jsonschema import Draft202012Validator

from portal_webhooks.domain import payloads
from portalkit.config import find_contracts_dir
from portalkit.events.contracts import EventContracts

WEBHOOKS_DIR = find_contracts_dir() / "webhooks"
EVENTS = EventContracts(find_contracts_dir() / "events")
PAIR = {"api": "leerlingen", "institution_number": "012345"}
OCCURRED = "2026-12-07T10:00:00Z"

# One realistic event per source, each checked against its own event contract first.
SOURCES = {
    "apps.application.approved": {
        "application_id": "app-1",
        "partner_id": "p1",
        "name": "Agenda Plus",
        "contact_email": "dev@agenda.example",
        "approved_by": "m1",
    },
    "apps.application.rejected": {
        "application_id": "app-1",
        "partner_id": "p1",
        "name": "Agenda Plus",
        "contact_email": "dev@agenda.example",
        "reason": "Vaag",
        "rejected_by": "m1",
    },
    "apps.application.change_approved": {
        "application_id": "app-1",
        "partner_id": "p1",
        "change_id": "c1",
        "name": "Agenda Pro",
        "previous_name": "Agenda Plus",
        "contact_email": "dev@agenda.example",
        "apis": ["leerlingen", "rekeningen"],
        "apis_added": ["rekeningen"],
        "approved_by": "m1",
    },
    "scopes.grants.changed": {
        "application_id": "app-1",
        "grants_version": 3,
        "grants": [PAIR],
        "added": [PAIR],
        "removed": [{"api": "personeel", "institution_number": "012345"}],
    },
    "scopes.grants.expired": {
        "application_id": "app-1",
        "application_name": "Agenda Plus",
        "partner_id": "p1",
        "expired": [{**PAIR, "ended_on": "2027-08-31"}],
    },
    "identity.client.secret_rotated": {
        "client_id": "cl-1",
        "application_id": "app-1",
        "partner_id": "p1",
        "expiring": [
            {"last4": "x9Zq", "expires_at": "2026-12-14T10:00:00+00:00"},
            {"last4": None, "expires_at": "2026-12-14T10:00:00+00:00"},
        ],
        "rotated_at": "2026-12-07T10:00:00+00:00",
    },
    "scopes.access.answered": {
        "request_id": "r1",
        "application_id": "app-1",
        "application_name": "Agenda Plus",
        "partner_id": "p1",
        "email": "directie@school.example",
        "granted": [PAIR],
        "answered_at": "2026-12-07T10:00:00+00:00",
    },
    "scopes.access.expired": {
        "request_id": "r1",
        "application_id": "app-1",
        "application_name": "Agenda Plus",
        "partner_id": "p1",
        "email": "directie@school.example",
        "sent_at": "2026-11-06T10:00:00+00:00",
        "expired_at": "2026-12-07T10:00:00+00:00",
    },
}


def validator(webhook_type: str) -> Draft202012Validator:
    schema = json.loads((WEBHOOKS_DIR / f"{webhook_type}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_every_type_has_a_schema_and_every_schema_a_type():
    assert {path.stem for path in WEBHOOKS_DIR.glob("*.json")} == {kind.name for kind in payloads.TYPES}


def test_every_source_has_an_example_here():
    assert set(SOURCES) == set(payloads.BY_SOURCE)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_body_built_from_an_event_meets_its_schema(source):
    event = {"id": str(uuid.uuid4()), "type": source, "occurred_at": OCCURRED, "version": 1, "data": SOURCES[source]}
    EVENTS.validate(event)  # the example is a real event of its source
    webhook_type, body = payloads.from_event(source, OCCURRED, SOURCES[source])
    document = json.loads(body)
    validator(webhook_type).validate(document)
    assert (document["type"], document["timestamp"]) == (webhook_type, OCCURRED)
    assert document["data"]["application_id"] == "app-1"
    assert "partner_id" not in document["data"]  # the receiver is the partner: nothing internal leaks


def test_the_test_body_meets_its_schema():
    validator("webhook.test").validate(json.loads(payloads.test_body("app-1", "e-1", OCCURRED)))


def test_a_schema_refuses_a_body_missing_its_data():
    with pytest.raises(Exception, match="application_id"):
        validator("grants.changed").validate({"type": "grants.changed", "timestamp": OCCURRED, "data": {}})


def test_grants_changed_names_school_and_api_of_each_change():
    _, body = payloads.from_event("scopes.grants.changed", OCCURRED, SOURCES["scopes.grants.changed"])
    data = json.loads(body)["data"]
    assert data["added"] == [{"institution_number": "012345", "api": "leerlingen"}]
    assert data["removed"] == [{"institution_number": "012345", "api": "personeel"}]
    assert data["grants_version"] == 3
