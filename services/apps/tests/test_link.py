"""Linking an existing client (manual 3.3.2), checked in real time against a real identity service."""

import socket
import threading

import pytest
from werkzeug.serving import make_server

from portal_apps.bootstrap import SERVICE as APPS
from portal_identity.bootstrap import SERVICE as IDENTITY
from portal_identity.service_layer.clients import import_clients
from portalkit.testing import start_service

FIELDS = {
    "name": "Bestaande app",
    "description": "Al jaren in gebruik.",
    "technical_contact": "An",
    "contact_email": "an@integrator.example",
}
SECRET = "existing-Secret-123"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def identity_url(postgres_databases, tokens):
    """A real identity service over HTTP with one existing client that has two grants."""
    url = postgres_databases.lend()
    app, runtime = start_service(IDENTITY, url, tokens, internal_token="shared")
    import_clients(
        runtime.container,
        [
            {
                "client_id": "existing",
                "name": "Existing",
                "client_secret": SECRET,
                "grants": [
                    {"api": "leerlingen", "institution_number": "1"},
                    {"api": "internen", "institution_number": "1"},
                ],
            }
        ],
    )
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    postgres_databases.give_back(url)


@pytest.fixture
def apps(database_url, tokens, identity_url):
    app, runtime = start_service(APPS, database_url, tokens, identity_url=identity_url, internal_token="shared")
    return app.test_client(), runtime


def partner(tokens, partner_id="partner-a"):
    return {
        "Authorization": f"Bearer {tokens.partner_token('user-a', partner_id)}",
        "Accept-Language": "en",
    }


def link(client, tokens, secret=SECRET, partner_id="partner-a", client_id="existing"):
    return client.post(
        "/api/v1/partner/applications/link",
        json={**FIELDS, "client_id": client_id, "client_secret": secret},
        headers=partner(tokens, partner_id),
    )


def test_a_valid_pair_gives_an_approved_application_with_its_apis(apps, tokens):
    client, _ = apps
    response = link(client, tokens)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "approved" and body["client_id"] == "existing"
    assert body["apis"] == ["internen", "leerlingen"]
    again = link(client, tokens)  # a retry by the same partner finds the same application
    assert again.status_code == 201 and again.get_json()["id"] == body["id"]


def test_a_wrong_secret_is_the_manuals_message(apps, tokens):
    client, _ = apps
    response = link(client, tokens, secret="wrong")
    assert response.status_code == 422
    assert response.get_json()["detail"] == (
        "The client/secret entered is invalid. If you have no valid client/secret, request a new one."
    )


def test_a_client_linked_elsewhere_is_the_manuals_message(apps, tokens):
    client, _ = apps
    assert link(client, tokens).status_code == 201
    response = link(client, tokens, partner_id="partner-b")
    assert response.status_code == 409
    assert response.get_json()["detail"] == (
        "Sorry! This client is already linked to another application. A client can be linked to one app only."
    )


def test_without_the_secret_nobody_learns_that_a_client_is_linked(apps, tokens):
    client, _ = apps
    assert link(client, tokens).status_code == 201
    for partner_id in ("partner-a", "partner-b"):
        response = link(client, tokens, secret="guess", partner_id=partner_id)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["detail"].startswith("The client/secret entered is invalid.")


def test_field_rules_are_checked_before_the_identity_service_is_asked(apps, tokens):
    client, _ = apps
    response = client.post(
        "/api/v1/partner/applications/link",
        json={**FIELDS, "contact_email": "nope", "client_id": "existing", "client_secret": SECRET},
        headers=partner(tokens),
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "contact_email"


def test_an_unreachable_identity_service_is_a_503_not_a_500(database_url, tokens):
    app, _ = start_service(APPS, database_url, tokens, identity_url=f"http://127.0.0.1:{free_port()}")
    response = link(app.test_client(), tokens)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"


def check(client, tokens, secret=SECRET, partner_id="partner-a"):
    return client.post(
        "/api/v1/partner/applications/link/check",
        json={"client_id": "existing", "client_secret": secret},
        headers=partner(tokens, partner_id),
    )


def test_the_first_step_checks_the_pair_and_links_nothing(apps, tokens):
    client, _ = apps
    response = check(client, tokens)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"client_id": "existing", "apis": ["internen", "leerlingen"]}
    listed = client.get("/api/v1/partner/applications", headers=partner(tokens)).get_json()
    assert listed == []
    assert check(client, tokens, partner_id="partner-b").status_code == 200  # still free for anyone


def test_the_first_step_says_what_the_link_would_say(apps, tokens):
    client, _ = apps
    assert check(client, tokens, secret="wrong").status_code == 422
    assert link(client, tokens).status_code == 201
    assert check(client, tokens).status_code == 200  # its own application: the link completes again
    refused = check(client, tokens, partner_id="partner-b")
    assert refused.status_code == 409
    assert refused.get_json()["detail"].startswith("Sorry! This client is already linked to another application.")
