"""Client secrets: the partner sees and revokes each live secret; a moderator revokes all in an emergency."""

import pytest


@pytest.fixture
def as_partner(tokens):
    """Auth headers of a partner user (the one way this module builds them)."""

    def headers(partner_id="partner-1", subject="user-1"):
        return {"Authorization": f"Bearer {tokens.token(subject, roles=['partner'], partner_id=partner_id)}"}

    return headers


def secrets_url(client_id, secret_id=None):
    url = f"/api/v1/partner/clients/{client_id}/secrets"
    return url if secret_id is None else f"{url}/{secret_id}"


def test_a_leaked_secret_is_revoked_at_once_while_the_new_one_keeps_working(harness, as_partner):
    client_id, leaked = harness.approved_client()
    rotated = harness.client.post(f"/api/v1/partner/clients/{client_id}/secret", headers=as_partner())
    fresh = rotated.get_json()["client_secret"]
    listed = harness.client.get(secrets_url(client_id), headers=as_partner()).get_json()
    [old] = [secret for secret in listed if secret["last4"] == leaked[-4:]]
    response = harness.client.delete(secrets_url(client_id, old["id"]), headers=as_partner())
    assert response.status_code == 204
    assert harness.token(client_id, leaked).get_json()["error"] == "invalid_client"
    assert harness.token(client_id, fresh).status_code == 200
