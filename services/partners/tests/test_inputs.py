"""Nothing a client sends gives a 500: page numbers and text the database cannot hold are 4xx problems."""

import pytest

from portal_partners.bootstrap import SERVICE
from portalkit.testing import start_service

HUGE = "9223372036854775808"


@pytest.fixture
def client(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)[0].test_client()


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/public/partners", None),
        ("/api/v1/partner/profile/audit", "partner"),
        ("/api/v1/admin/profiles", "moderator"),
    ],
)
def test_a_page_past_any_offset_is_a_422_naming_page(client, tokens, path, role):
    token = tokens.partner_token("u", "p1") if role == "partner" else tokens.token("m", roles=[role])
    headers = {"Authorization": f"Bearer {token}"} if role else {}
    response = client.get(f"{path}?page={HUGE}", headers=headers)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]


def test_nul_in_the_directory_search_is_a_422(client):
    response = client.get("/api/v1/public/partners?q=%00")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["q"]


def test_nul_in_a_nested_address_field_is_named(client, tokens):
    headers = {"Authorization": f"Bearer {tokens.token('u', roles=['partner'])}"}
    response = client.post("/api/v1/partner/profile", json={"address": {"city": "Gent\x00"}}, headers=headers)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["#/address/city"]
