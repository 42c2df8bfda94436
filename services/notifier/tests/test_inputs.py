"""Nothing a client sends gives a 500: page numbers and ids the database cannot hold are 4xx problems."""

import pytest

from portal_notifier.bootstrap import SERVICE
from portalkit.testing import start_service

HUGE = "9223372036854775808"


@pytest.fixture
def client(database_url, tokens):
    return start_service(SERVICE, database_url, tokens)[0].test_client()


def moderator(tokens):
    return {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}


def test_a_page_past_any_offset_is_a_422_naming_page(client, tokens):
    response = client.get(f"/api/v1/admin/mail/deliveries?page={HUGE}", headers=moderator(tokens))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]


@pytest.mark.parametrize("delivery_id", [HUGE, "2147483648"])
def test_retrying_a_delivery_id_past_the_database_integer_is_a_404_problem(client, tokens, delivery_id):
    response = client.post(f"/api/v1/admin/mail/deliveries/{delivery_id}/retry", headers=moderator(tokens))
    assert response.status_code == 404 and response.content_type == "application/problem+json"
