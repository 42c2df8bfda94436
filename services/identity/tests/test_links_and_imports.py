"""Existing clients: imported with their secrets and scopes, and linked to an application in real time."""

import json
import threading

import pytest
from argon2 import PasswordHasher

from identity_harness import INTERNAL_TOKEN
from portal_identity.service_layer.clients import import_clients

INTERNAL = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}


def existing_client(harness, client_id="legacy-1", secret="old-Secret-value-123", **entry):
    import_clients(
        harness.identity,
        [
            {
                "client_id": client_id,
                "name": "Legacy app",
                "client_secret": secret,
                "grants": [{"api": "leerlingen", "institution_number": "012345"}],
                **entry,
            }
        ],
    )
    return client_id, secret


def link(harness, client_id, secret, application_id="app-new", partner_id="partner-9", headers=INTERNAL):
    return harness.client.post(
        "/internal/v1/clients/link",
        json={
            "client_id": client_id,
            "client_secret": secret,
            "application_id": application_id,
            "partner_id": partner_id,
        },
        headers=headers,
    )


def test_an_imported_client_works_at_once_with_its_scopes(harness):
    client_id, secret = existing_client(harness)
    body = harness.token(client_id, secret).get_json()
    assert body["scope"] == "leerlingen"


@pytest.mark.parametrize("hasher", ["argon2", "bcrypt"])
def test_imported_secret_hashes_from_the_old_system_verify(harness, hasher):
    import bcrypt

    secret = "legacy-Secret-42"
    hashed = (
        PasswordHasher().hash(secret)
        if hasher == "argon2"
        else bcrypt.hashpw(secret.encode(), bcrypt.gensalt()).decode()
    )
    import_clients(harness.identity, [{"client_id": f"h-{hasher}", "name": "x", "secret_hash": hashed}])
    assert harness.token(f"h-{hasher}", secret).status_code == 200
    assert harness.token(f"h-{hasher}", "wrong").get_json()["error"] == "invalid_client"


def test_importing_twice_changes_nothing(harness):
    existing_client(harness)
    result = import_clients(
        harness.identity,
        [
            {
                "client_id": "legacy-1",
                "name": "Legacy app",
                "client_secret": "old-Secret-value-123",
                "grants": [{"api": "leerlingen", "institution_number": "012345"}],
            }
        ],
    )
    assert (result.created, result.updated) == (0, 1)
    from portal_identity.adapters.repositories import Clients

    with harness.runtime.unit_of_work() as uow:
        assert len(Clients(uow.session).get("legacy-1").secrets) == 1


def test_portalctl_clients_import(harness, database_url, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from portalkit.cli import main

    monkeypatch.setenv("IDENTITY_DATABASE_URL", database_url)
    path = tmp_path / "clients.json"
    path.write_text(
        json.dumps(
            [
                {
                    "client_id": "cli-1",
                    "name": "x",
                    "client_secret": "s3cret-Value",
                    "grants": [{"api": "personeel", "institution_number": 7}],
                }
            ]
        )
    )
    result = CliRunner().invoke(main, ["clients", "import", str(path)])
    assert result.exit_code == 0 and "1 created" in result.output
    harness.identity.clients.invalidate()
    assert harness.token("cli-1", "s3cret-Value").get_json()["scope"] == "personeel"
    path.write_text('{"not": "a list"}')
    assert CliRunner().invoke(main, ["clients", "import", str(path)]).exit_code != 0


def test_a_valid_pair_is_linked_and_announced_with_its_grants(harness):
    client_id, secret = existing_client(harness)
    response = link(harness, client_id, secret)
    assert response.status_code == 200
    assert response.get_json()["grants"] == [{"api": "leerlingen", "institution_number": "012345"}]
    assert link(harness, client_id, secret).status_code == 200  # the same application again: idempotent
    import sqlalchemy as sa

    with harness.runtime.database.session() as session:
        events = [json.loads(p) for p in session.execute(sa.select(harness.runtime.outbox.c.payload)).scalars()]
    [linked] = [e for e in events if e["type"] == "identity.client.linked"]
    assert linked["data"]["application_id"] == "app-new"
    assert linked["data"]["grants"] == [{"api": "leerlingen", "institution_number": "012345"}]


def test_a_wrong_secret_is_the_manuals_invalid_error(harness):
    client_id, _ = existing_client(harness)
    response = link(harness, client_id, "wrong", headers={**INTERNAL, "Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["detail"].startswith("The client/secret entered is invalid.")
    assert link(harness, "no-such-client", "x").status_code == 422


def test_a_client_of_another_application_is_the_manuals_already_linked_error(harness):
    client_id, secret = existing_client(harness)
    assert link(harness, client_id, secret, application_id="first").status_code == 200
    response = link(harness, client_id, secret, application_id="second", headers={**INTERNAL, "Accept-Language": "en"})
    assert response.status_code == 409
    assert response.get_json()["detail"].startswith("Sorry! This client is already linked to another application")


def test_the_check_before_a_link_answers_like_the_link_and_changes_nothing(harness):
    client_id, secret = existing_client(harness)

    def check(secret, application_id):
        body = {"client_id": client_id, "client_secret": secret, "application_id": application_id}
        return harness.client.post("/internal/v1/clients/link/check", json=body, headers=INTERNAL)

    assert check("wrong", "first").status_code == 422
    checked = check(secret, "first")
    assert checked.status_code == 200 and checked.get_json()["application_id"] is None
    assert check(secret, "second").status_code == 200  # nothing was linked by the check
    assert link(harness, client_id, secret, application_id="first").status_code == 200
    assert check(secret, "first").status_code == 200
    assert check(secret, "second").status_code == 409


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite serialises writers anyway
def test_two_concurrent_links_have_one_winner(harness, database_url):
    client_id, secret = existing_client(harness)
    statuses, barrier = [], threading.Barrier(2)

    def attempt(application_id):
        barrier.wait()
        with harness.app.test_client() as client:
            statuses.append(
                client.post(
                    "/internal/v1/clients/link",
                    json={
                        "client_id": client_id,
                        "client_secret": secret,
                        "application_id": application_id,
                        "partner_id": "p",
                    },
                    headers=INTERNAL,
                ).status_code
            )

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]


def test_the_link_endpoint_is_for_the_portals_services_only(harness, tokens):
    client_id, secret = existing_client(harness)
    assert link(harness, client_id, secret, headers={}).status_code == 401
    partner = {"Authorization": f"Bearer {tokens.token('p', roles=['partner'])}"}
    assert link(harness, client_id, secret, headers=partner).status_code == 401


def test_partners_rotate_their_own_clients_secret_only(harness, tokens):
    client_id, old = harness.approved_client(partner_id="partner-1")
    mine = {"Authorization": f"Bearer {tokens.partner_token('u', 'partner-1')}"}
    theirs = {"Authorization": f"Bearer {tokens.partner_token('v', 'partner-2')}"}
    assert harness.client.post(f"/api/v1/partner/clients/{client_id}/secret", headers=theirs).status_code == 404
    response = harness.client.post(f"/api/v1/partner/clients/{client_id}/secret", headers=mine)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["client_secret"] and body["previous_secret_expires_at"]
    info = harness.client.get(f"/api/v1/partner/clients/{client_id}", headers=mine).get_json()
    assert len(info["secrets"]) == 2 and all(
        "secret" not in json.dumps(s).replace("secrets", "") for s in info["secrets"]
    )
    assert harness.token(client_id, old).status_code == 200
    assert harness.token(client_id, body["client_secret"]).status_code == 200


def test_a_colleague_removed_from_the_profile_gets_no_secret(harness, tokens):
    client_id, _ = harness.approved_client(partner_id="partner-1")
    headers = {"Authorization": f"Bearer {tokens.partner_token('u', 'partner-1')}"}
    assert harness.client.get(f"/api/v1/partner/clients/{client_id}", headers=headers).status_code == 200
    harness.deliver("partners.user.unlinked", {"partner_id": "partner-1", "account_id": "u", "removed_by": "v"})
    assert harness.client.post(f"/api/v1/partner/clients/{client_id}/secret", headers=headers).status_code == 403
    assert harness.client.get(f"/api/v1/partner/clients/{client_id}", headers=headers).status_code == 403
