"""Nothing a client sends gives a 500: page numbers and text the database cannot hold are 4xx problems."""

import pytest

from portal_scopes.bootstrap import SERVICE
from portalkit.testing import start_service

HUGE = "9223372036854775808"


@pytest.fixture
def client(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)[0].test_client()


@pytest.mark.parametrize(
    ("path", "roles"),
    [("/api/v1/admin/schools", ["moderator"]), ("/api/v1/admin/grants", ["school-admin"])],
)
def test_a_page_past_any_offset_is_a_422_naming_page(client, tokens, path, roles):
    token = tokens.token("a", roles=roles, institutions=["012345"])
    response = client.get(f"{path}?page={HUGE}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]


def test_nul_in_the_addresses_of_an_access_request_is_named(client, tokens):
    headers = {"Authorization": f"Bearer {tokens.partner_token('u', 'p1')}"}
    body = {"application_id": "app-1", "emails": "a@school.example\x00"}
    response = client.post("/api/v1/partner/access-requests", json=body, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["emails"]
