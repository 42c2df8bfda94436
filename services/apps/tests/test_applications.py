"""Requesting a new client ID through the apps API, on both databases."""

import json

import pytest
import sqlalchemy as sa

from portal_apps.bootstrap import SERVICE
from portalkit.testing import start_service

VALID = {
    "name": "Agenda Plus",
    "description": "Synchroniseert lesroosters.",
    "technical_contact": "Jan Peeters",
    "contact_email": "dev@agenda.example",
    "apis": ["leerlingen", "personeel"],
}


@pytest.fixture
def service(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)


def partner(tokens, partner_id="partner-a", sub="user-a"):
    return {"Authorization": f"Bearer {tokens.token(sub, roles=['partner'], partner_id=partner_id)}"}


def outbox(runtime):
    with runtime.database.session() as session:
        return [json.loads(row.payload) for row in session.execute(sa.select(runtime.outbox.c.payload))]


def test_a_request_creates_a_new_application_and_announces_it(service, tokens):
    app, runtime = service
    response = app.test_client().post("/api/v1/partner/applications", json=VALID, headers=partner(tokens))
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "new" and created["client_id"] is None
    assert created["partner_id"] == "partner-a"
    [event] = outbox(runtime)
    assert event["type"] == "apps.application.requested"
    assert event["data"]["application_id"] == created["id"]
    assert event["data"]["requested_by"] == "user-a"


def test_the_partner_reads_it_back_and_another_partner_gets_404(service, tokens):
    app, _ = service
    client = app.test_client()
    created = client.post("/api/v1/partner/applications", json=VALID, headers=partner(tokens)).get_json()
    own = client.get(f"/api/v1/partner/applications/{created['id']}", headers=partner(tokens, sub="colleague"))
    assert own.status_code == 200 and own.get_json()["name"] == "Agenda Plus"
    other = client.get(f"/api/v1/partner/applications/{created['id']}", headers=partner(tokens, "partner-b"))
    assert other.status_code == 404
    assert other.get_json()["code"] == "apps.not_found"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"technical_contact": ""}, "technical_contact"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"apis": []}, "apis"),
        ({"apis": ["leerlingen", "geheimen"]}, "apis"),
        ({"apis": "leerlingen"}, "apis"),
        ({"name": None}, "name"),
    ],
)
def test_each_rule_names_its_field(service, tokens, change, field):
    app, runtime = service
    response = app.test_client().post("/api/v1/partner/applications", json={**VALID, **change}, headers=partner(tokens))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [error["field"] for error in response.get_json()["errors"]] == [field]
    assert outbox(runtime) == []


def test_without_a_profile_the_answer_says_what_to_do(service, tokens):
    app, _ = service
    token = tokens.token("new-user", roles=["partner"])
    response = app.test_client().post(
        "/api/v1/partner/applications",
        json=VALID,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert "profile" in response.get_json()["detail"]


def test_only_partners_may_request(service, tokens):
    app, _ = service
    client = app.test_client()
    assert client.post("/api/v1/partner/applications", json=VALID).status_code == 401
    moderator = {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}
    assert client.post("/api/v1/partner/applications", json=VALID, headers=moderator).status_code == 403
