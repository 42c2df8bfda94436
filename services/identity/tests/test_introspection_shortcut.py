"""Introspection's hot path: answered from the process's caches, the same as Authlib's endpoint, and never
staler than a committed change allows."""

import base64
import time

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from identity_harness import INTERNAL_TOKEN
from portal_identity.api.introspection_shortcut import IntrospectionShortcut
from portal_identity.bootstrap import SERVICE
from portal_identity.service_layer import clients
from portalkit.testing import start_service

GRANTS = [("leerlingen", "012345"), ("personeel", "012345")]
IGNORED_HEADERS = {"X-Request-ID"}


@pytest.fixture
def resource_server(harness):
    client, secret = clients.create_resource_server(harness.identity, "Leerlingen-API")
    return client.client_id, secret


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def shortcut_of(app) -> IntrospectionShortcut:
    wsgi = app.wsgi_app
    while not isinstance(wsgi, IntrospectionShortcut):
        wsgi = wsgi.wsgi_app
    return wsgi


def answered(client: Client, request: dict):
    response = client.post("/oauth/introspect", **request)
    headers = {name: value for name, value in response.headers.items() if name not in IGNORED_HEADERS}
    return response.status_code, headers, response.get_data(as_text=True)


def hears_every_change(identity) -> None:
    """On PostgreSQL the change feeds connect in the background: wait until both listen."""
    deadline = time.monotonic() + 10
    while not (identity.client_changes.listening.is_set() and identity.revocation_changes.listening.is_set()):
        assert time.monotonic() < deadline, "the change feeds did not connect"
        time.sleep(0.02)


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        self.engine = engine

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def test_the_shortcut_answers_what_authlib_answers(harness, resource_server):
    """Every request, plain or not, gets the same status, headers and body with and without the shortcut."""
    owner_id, owner_secret = harness.approved_client(grants=GRANTS)
    other_id, other_secret = harness.approved_client(partner_id="partner-2")
    token = harness.token(owner_id, owner_secret).get_json()["access_token"]
    revoked = harness.token(owner_id, owner_secret).get_json()["access_token"]
    harness.client.post("/oauth/revoke", data={"token": revoked}, auth=(owner_id, owner_secret))
    rs = basic(*resource_server)
    form = "application/x-www-form-urlencoded"
    requests = {
        "resource server": {"data": {"token": token}, "headers": rs},
        "hint access_token": {"data": {"token": token, "token_type_hint": "access_token"}, "headers": rs},
        "empty hint": {"data": {"token": token, "token_type_hint": ""}, "headers": rs},
        "hint refresh_token": {"data": {"token": token, "token_type_hint": "refresh_token"}, "headers": rs},
        "unknown hint": {"data": {"token": token, "token_type_hint": "id_token"}, "headers": rs},
        "token's own client": {"data": {"token": token}, "headers": basic(owner_id, owner_secret)},
        "another client": {"data": {"token": token}, "headers": basic(other_id, other_secret)},
        "revoked token": {"data": {"token": revoked}, "headers": rs},
        "garbage token": {"data": {"token": "not-a-token"}, "headers": rs},
        "empty token": {"data": {"token": ""}, "headers": rs},
        "missing token": {"data": {"other": "x"}, "headers": rs},
        "empty body": {"data": b"", "content_type": form, "headers": rs},
        "duplicate token": {"data": f"token={token}&token={token}", "content_type": form, "headers": rs},
        "extra field": {"data": {"token": token, "scope": "leerlingen"}, "headers": rs},
        "NUL in token": {"data": {"token": token + "\x00"}, "headers": rs},
        "bad percent-escape": {"data": "token=%ff", "content_type": form, "headers": rs},
        "query string": {"data": {"token": token}, "query_string": {"token": token}, "headers": rs},
        "JSON body": {"json": {"token": token}, "headers": rs},
        "wrong secret": {"data": {"token": token}, "headers": basic(resource_server[0], "wrong")},
        "unknown client": {"data": {"token": token}, "headers": basic("nobody", "secret")},
        "Basic alone": {"data": {"token": token}, "headers": {"Authorization": "Basic"}},
        "Basic not base64": {"data": {"token": token}, "headers": {"Authorization": "Basic !!!"}},
        "Bearer": {"data": {"token": token}, "headers": {"Authorization": f"Bearer {token}"}},
        "no authentication": {"data": {"token": token}},
        "secret in the body": {
            "data": {"token": token, "client_id": resource_server[0], "client_secret": resource_server[1]}
        },
        "header and body": {"data": {"token": token, "client_secret": resource_server[1]}, "headers": rs},
    }
    with_shortcut = harness.client
    without = Client(shortcut_of(harness.app).wsgi_app)
    for name, request in requests.items():
        assert answered(with_shortcut, request) == answered(without, request), name
    # Slowed down after failed attempts: both answer slow_down, with the same Retry-After.
    for _ in range(12):
        without.post("/oauth/introspect", data={"token": token}, headers=basic(owner_id, "wrong"))
    slowed = {"data": {"token": token}, "headers": basic(owner_id, owner_secret)}
    assert answered(with_shortcut, slowed)[0] == 429
    assert answered(with_shortcut, slowed) == answered(without, slowed)


def refusing_flask(environ, start_response):
    raise AssertionError("the plain case must not reach the Flask app")


def test_the_plain_case_needs_neither_flask_nor_the_database_once_seen(harness, resource_server):
    owner_id, owner_secret = harness.approved_client(grants=GRANTS)
    token = harness.token(owner_id, owner_secret).get_json()["access_token"]
    hears_every_change(harness.identity)
    shortcut = Client(IntrospectionShortcut(harness.app, refusing_flask))
    request = {"data": {"token": token}, "headers": basic(*resource_server)}
    first = shortcut.post("/oauth/introspect", **request)
    assert first.status_code == 200 and first.get_json()["grants"] == {
        "leerlingen": ["012345"],
        "personeel": ["012345"],
    }
    with StatementCounter(harness.runtime.database.engine) as statements:
        again = shortcut.post("/oauth/introspect", **request)
    assert again.get_json() == first.get_json()
    assert statements.count == 0


@pytest.fixture
def replica(harness, database_url, tokens):
    """A second process of the identity service on the same database: it hears changes only through the feeds."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the embedded mode runs one process")
    app, runtime = start_service(SERVICE, database_url, tokens, internal_token=INTERNAL_TOKEN)
    hears_every_change(runtime.extensions["identity"])
    hears_every_change(harness.identity)
    return app.test_client()


def inactive_soon(replica, token, credentials) -> dict:
    """Polls the replica (the feeds deliver within a fraction of a second; no test fails on timing)."""
    deadline = time.monotonic() + 10
    while True:
        answer = replica.post("/oauth/introspect", data={"token": token}, headers=basic(*credentials)).get_json()
        if answer == {"active": False} or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_revoked_token_is_inactive_in_every_process(harness, resource_server, replica):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    assert replica.post("/oauth/introspect", data={"token": token}, headers=basic(*resource_server)).json["active"]
    harness.client.post("/oauth/revoke", data={"token": token}, auth=(client_id, secret))
    assert inactive_soon(replica, token, resource_server) == {"active": False}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_revoked_grant_leaves_every_process(harness, resource_server, replica):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    request = {"data": {"token": token}, "headers": basic(*resource_server)}
    assert replica.post("/oauth/introspect", **request).json["grants"] == {
        "leerlingen": ["012345"],
        "personeel": ["012345"],
    }
    harness.grant(harness.application_of(client_id), [("leerlingen", "012345")], version=2)
    deadline = time.monotonic() + 10
    while replica.post("/oauth/introspect", **request).json["grants"] != {"leerlingen": ["012345"]}:
        assert time.monotonic() < deadline, "the replica kept the revoked grant"
        time.sleep(0.02)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_deactivated_client_or_partner_makes_tokens_inactive_in_every_process(harness, resource_server, replica):
    rejected_id, rejected_secret = harness.approved_client(grants=GRANTS)
    of_partner_id, of_partner_secret = harness.approved_client(partner_id="partner-9", grants=GRANTS)
    rejected = harness.token(rejected_id, rejected_secret).get_json()["access_token"]
    of_partner = harness.token(of_partner_id, of_partner_secret).get_json()["access_token"]
    for token in (rejected, of_partner):
        assert replica.post("/oauth/introspect", data={"token": token}, headers=basic(*resource_server)).json["active"]
    harness.deliver(
        "apps.application.rejected",
        {
            "application_id": harness.application_of(rejected_id),
            "partner_id": "partner-1",
            "name": "Agenda",
            "contact_email": "dev@agenda.example",
            "reason": "Onvolledig",
            "rejected_by": "m",
        },
    )
    harness.deliver("partners.profile.deactivated", {"partner_id": "partner-9", "changed_by": "moderator-1"})
    assert inactive_soon(replica, rejected, resource_server) == {"active": False}
    assert inactive_soon(replica, of_partner, resource_server) == {"active": False}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_revoked_secret_fails_at_once_in_every_process(harness, resource_server, replica):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    assert replica.post("/oauth/introspect", data={"token": token}, headers=basic(client_id, secret)).json["active"]
    clients.revoke_all_secrets(harness.identity, client_id, "moderator-1", "Uitgelekt")
    deadline = time.monotonic() + 10
    while (
        answer := replica.post("/oauth/introspect", data={"token": token}, headers=basic(client_id, secret))
    ).status_code == 200:
        assert time.monotonic() < deadline, "the replica still heard the revoked secret"
        time.sleep(0.02)
    assert answer.json["error"] == "invalid_client"
