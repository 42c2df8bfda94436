"""Client secrets: the partner sees and revokes each live secret; a moderator revokes all in an emergency."""

import time

import pytest
from argon2 import PasswordHasher

from identity_harness import INTERNAL_TOKEN, IdentityHarness
from portal_identity.bootstrap import SERVICE
from portal_identity.service_layer import accounts
from portal_identity.service_layer.clients import import_clients
from portalkit.testing import start_service


@pytest.fixture
def as_partner(tokens):
    """Auth headers of a partner user (the one way this module builds them)."""

    def headers(partner_id="partner-1", subject="user-1", language="nl"):
        token = tokens.partner_token(subject, partner_id)
        return {"Authorization": f"Bearer {token}", "Accept-Language": language}

    return headers


@pytest.fixture
def as_moderator(tokens):
    return {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'])}"}


def secrets_url(client_id, secret_id=None):
    url = f"/api/v1/partner/clients/{client_id}/secrets"
    return url if secret_id is None else f"{url}/{secret_id}"


def rotate(harness, client_id, headers):
    response = harness.client.post(f"/api/v1/partner/clients/{client_id}/secret", headers=headers)
    assert response.status_code == 201
    return response.get_json()["client_secret"]


def listed(harness, client_id, headers):
    response = harness.client.get(secrets_url(client_id), headers=headers)
    assert response.status_code == 200
    return response.get_json()


def revoke_all(harness, client_id, headers, reason="Secret op GitHub gezet"):
    return harness.client.post(
        f"/api/v1/admin/clients/{client_id}/revoke-secrets", json={"reason": reason}, headers=headers
    )


def test_a_leaked_secret_is_revoked_at_once_while_the_new_one_keeps_working(harness, as_partner):
    client_id, leaked = harness.approved_client()
    fresh = rotate(harness, client_id, as_partner())
    assert harness.token(client_id, leaked).status_code == 200  # cached now, and valid in the rotation window
    [old] = [secret for secret in listed(harness, client_id, as_partner()) if secret["last4"] == leaked[-4:]]
    response = harness.client.delete(secrets_url(client_id, old["id"]), headers=as_partner())
    assert response.status_code == 204
    assert harness.token(client_id, leaked).get_json()["error"] == "invalid_client"
    assert harness.token(client_id, fresh).status_code == 200
    assert [secret["last4"] for secret in listed(harness, client_id, as_partner())] == [fresh[-4:]]


def test_a_rotation_announces_which_secret_expires_when(harness, as_partner):
    client_id, first = harness.approved_client()
    assert harness.published("identity.client.secret_rotated") == []
    second = rotate(harness, client_id, as_partner())
    [event] = harness.published("identity.client.secret_rotated")
    data = event["data"]
    assert (data["client_id"], data["application_id"]) == (client_id, harness.application_of(client_id))
    [expiring] = data["expiring"]
    [listed_old] = [s for s in listed(harness, client_id, as_partner()) if s["last4"] == first[-4:]]
    assert expiring["last4"] == first[-4:] and expiring["expires_at"] == listed_old["expires_at"]
    rotate(harness, client_id, as_partner())  # both earlier secrets now end, at the first one's end at the latest
    last = harness.published("identity.client.secret_rotated")[-1]["data"]["expiring"]
    assert sorted(item["last4"] for item in last) == sorted([first[-4:], second[-4:]])


def test_the_partner_sees_each_live_secret_by_whom_last_4_and_expiry_never_the_secret(harness, as_partner):
    account = accounts.register(
        harness.identity, email="jan@agenda.example", password="Geheim-123!", accept_terms=True, language="nl"
    )
    client_id, first = harness.approved_client()
    second = rotate(harness, client_id, as_partner(subject=account.id))
    body = harness.client.get(secrets_url(client_id), headers=as_partner()).get_data(as_text=True)
    assert first not in body and second not in body and "b2k$" not in body
    older, newer = listed(harness, client_id, as_partner())
    assert (older["last4"], older["created_by"], older["created_by_email"]) == (first[-4:], "user-1", None)
    assert (newer["last4"], newer["created_by"], newer["created_by_email"]) == (
        second[-4:],
        account.id,
        "jan@agenda.example",
    )
    assert older["expires_at"] is not None and newer["expires_at"] is None  # the rotation window
    assert older["created_at"] and isinstance(older["id"], int)
    client = harness.client.get(f"/api/v1/partner/clients/{client_id}", headers=as_partner()).get_json()
    assert client["secrets"] == [older, newer]


def test_another_partner_neither_sees_nor_revokes_the_secrets(harness, as_partner):
    client_id, secret = harness.approved_client(partner_id="partner-1")
    [mine] = listed(harness, client_id, as_partner())
    other = as_partner(partner_id="partner-2")
    assert harness.client.get(secrets_url(client_id), headers=other).status_code == 404
    assert harness.client.delete(secrets_url(client_id, mine["id"]), headers=other).status_code == 404
    assert harness.token(client_id, secret).status_code == 200


def test_a_revoked_or_unknown_secret_is_a_404_in_the_callers_language(harness, as_partner):
    client_id, _ = harness.approved_client()
    [secret] = listed(harness, client_id, as_partner())
    assert harness.client.delete(secrets_url(client_id, secret["id"]), headers=as_partner()).status_code == 204
    again = harness.client.delete(secrets_url(client_id, secret["id"]), headers=as_partner())
    assert again.status_code == 404 and again.mimetype == "application/problem+json"
    assert again.get_json()["detail"] == "Dit secret bestaat niet of werkt al niet meer."
    english = harness.client.delete(secrets_url(client_id, 999999), headers=as_partner(language="en"))
    assert english.get_json()["detail"] == "This secret does not exist or no longer works."


def test_rotation_after_a_revocation_keeps_its_overlap_window(harness, as_partner):
    client_id, first = harness.approved_client()
    second = rotate(harness, client_id, as_partner())
    [old, _] = listed(harness, client_id, as_partner())
    harness.client.delete(secrets_url(client_id, old["id"]), headers=as_partner())
    third = rotate(harness, client_id, as_partner())
    assert harness.token(client_id, first).get_json()["error"] == "invalid_client"  # not revived by rotating
    assert harness.token(client_id, second).status_code == 200  # the overlap window
    assert harness.token(client_id, third).status_code == 200
    assert [s["expires_at"] is None for s in listed(harness, client_id, as_partner())] == [False, True]


@pytest.mark.parametrize("hasher", ["argon2", "bcrypt"])
def test_an_imported_legacy_hash_is_listed_without_last_4_and_revocable(harness, as_partner, hasher):
    import bcrypt

    secret = "legacy-Secret-42"
    hashed = PasswordHasher().hash(secret) if hasher == "argon2" else bcrypt.hashpw(secret.encode(), bcrypt.gensalt())
    hashed = hashed if isinstance(hashed, str) else hashed.decode()
    import_clients(harness.identity, [{"client_id": "legacy-1", "name": "Oud", "secret_hash": hashed}])
    linked = harness.client.post(
        "/internal/v1/clients/link",
        json={"client_id": "legacy-1", "client_secret": secret, "application_id": "app-9", "partner_id": "partner-1"},
        headers={"Authorization": f"Bearer {INTERNAL_TOKEN}"},
    )
    assert linked.status_code == 200 and linked.get_json()["secrets"][0]["last4"] is None
    [imported] = listed(harness, "legacy-1", as_partner())
    assert imported["last4"] is None and imported["created_by"] is None
    assert harness.client.delete(secrets_url("legacy-1", imported["id"]), headers=as_partner()).status_code == 204
    assert harness.token("legacy-1", secret).get_json()["error"] == "invalid_client"


def test_an_imported_clear_secret_keeps_its_last_4(harness, as_partner):
    import_clients(
        harness.identity, [{"client_id": "legacy-2", "name": "Oud", "client_secret": "old-Secret-value-123"}]
    )
    with harness.runtime.unit_of_work() as uow:
        from portal_identity.adapters.repositories import Clients

        [secret] = Clients(uow.session).get("legacy-2").secrets
    assert secret.last4 == "-123"


def test_a_moderator_revokes_every_secret_and_the_partner_is_told_why(harness, as_partner, as_moderator):
    client_id, first = harness.approved_client()
    second = rotate(harness, client_id, as_partner())
    response = revoke_all(harness, client_id, as_moderator, reason="  Secret op GitHub gezet ")
    assert response.status_code == 200 and response.get_json() == {"client_id": client_id, "revoked": 2}
    for secret in (first, second):
        assert harness.token(client_id, secret).get_json()["error"] == "invalid_client"
    assert listed(harness, client_id, as_partner()) == []
    [event] = harness.published("identity.client.secrets_revoked")
    assert event["data"]["application_id"] == harness.application_of(client_id)
    assert (event["data"]["partner_id"], event["data"]["revoked_by"]) == ("partner-1", "mod-1")
    assert (event["data"]["reason"], event["data"]["revoked_count"]) == ("Secret op GitHub gezet", 2)
    assert revoke_all(harness, client_id, as_moderator).get_json()["revoked"] == 0
    assert len(harness.published("identity.client.secrets_revoked")) == 1  # nothing new to tell
    assert harness.token(client_id, rotate(harness, client_id, as_partner())).status_code == 200  # a new start


def test_the_emergency_revocation_is_for_moderators_with_a_reason(harness, as_partner, as_moderator):
    client_id, secret = harness.approved_client()
    assert revoke_all(harness, client_id, as_partner()).status_code == 403
    blank = revoke_all(harness, client_id, as_moderator, reason="   ")
    assert blank.status_code == 422
    assert blank.get_json()["errors"] == [{"pointer": "#/reason", "field": "reason", "detail": "Vul een reden in."}]
    assert revoke_all(harness, "no-such-client", as_moderator).status_code == 404
    assert harness.token(client_id, secret).status_code == 200
    assert harness.published("identity.client.secrets_revoked") == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # replicas share PostgreSQL, not SQLite
def test_a_revoked_secret_is_refused_by_every_replica_within_a_second(harness, database_url, tokens, as_partner):
    other_app, other_runtime = start_service(SERVICE, database_url, tokens, internal_token=INTERNAL_TOKEN)
    replica = IdentityHarness(other_app, other_runtime)
    client_id, leaked = harness.approved_client()
    assert replica.token(client_id, leaked).status_code == 200  # the replica has cached the client now
    [secret] = listed(harness, client_id, as_partner())
    assert harness.client.delete(secrets_url(client_id, secret["id"]), headers=as_partner()).status_code == 204
    started = time.monotonic()
    while replica.token(client_id, leaked).status_code == 200:
        assert time.monotonic() - started < 1.0, "the replica still accepts the revoked secret after 1 s"
        time.sleep(0.02)
    assert replica.token(client_id, leaked).get_json()["error"] == "invalid_client"
