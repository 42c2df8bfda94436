"""Nothing a client sends gives a 500: page numbers and text the database cannot hold are 4xx problems."""

import pytest

from portal_apps.bootstrap import SERVICE
from portalkit.testing import start_service

HUGE = "9223372036854775808"


@pytest.fixture
def client(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)[0].test_client()


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/partner/applications", "partner"),
        ("/api/v1/admin/applications", "moderator"),
        ("/api/v1/admin/applications/changes", "moderator"),
    ],
)
def test_a_page_past_any_offset_is_a_422_naming_page(client, tokens, path, role):
    token = tokens.partner_token("u", "p1") if role == "partner" else tokens.token("m", roles=[role])
    response = client.get(f"{path}?page={HUGE}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]


def test_nul_in_a_search_is_a_422_naming_the_field(client, tokens):
    token = tokens.token("m", roles=["moderator"])
    response = client.get("/api/v1/admin/applications?q=a%00", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["q"]


def test_nul_and_lone_surrogates_in_a_body_are_422_naming_the_field(client, tokens):
    headers = {"Authorization": f"Bearer {tokens.partner_token('u', 'p1')}", "Content-Type": "application/json"}
    body = (
        '{"name": "A\\u0000", "description": "\\ud800", "technical_contact": "x",'
        ' "contact_email": "a@b.example", "apis": []}'
    )
    response = client.post("/api/v1/partner/applications", data=body, headers=headers)
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.get_json()["errors"]) == ["description", "name"]
