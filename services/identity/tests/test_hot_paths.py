"""The token and introspection hot paths: the same answers as Authlib's endpoints, from the process's
caches, and never staler than a committed change allows."""

import base64
import json
import re
import time

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from identity_harness import INTERNAL_TOKEN
from portal_identity.api.hot_paths import IntrospectionShortcut, TokenShortcut
from portal_identity.bootstrap import SERVICE
from portal_identity.service_layer import clients
from portalkit.testing import start_service

GRANTS = [("leerlingen", "012345"), ("personeel", "012345")]
IGNORED_HEADERS = {"X-Request-ID"}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def resource_server(harness):
    client, secret = clients.create_resource_server(harness.identity, "Leerlingen-API")
    return client.client_id, secret


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def inner_app_of(app, shortcut: type):
    """The WSGI app behind ``shortcut``: the Flask app with Authlib's endpoints, without the hot path."""
    wsgi = app.wsgi_app
    while not isinstance(wsgi, shortcut):
        wsgi = wsgi.wsgi_app
    return wsgi.wsgi_app


def comparable(body: str) -> str:
    """The body with what differs per token left out: a token's id, its moments and its signature (the
    claims are compared), and the seconds a slowed client waits (they tick)."""
    answer = json.loads(body)
    if isinstance(answer, dict) and "access_token" in answer:
        header, claims, _ = answer["access_token"].split(".")
        header, claims = (json.loads(base64.urlsafe_b64decode(part + "==")) for part in (header, claims))
        claims["lifetime"] = claims.pop("exp") - claims.pop("iat")
        del claims["jti"]
        answer["access_token"] = [header, claims]
    return re.sub(r"\d+ s\.", "N s.", json.dumps(answer, sort_keys=True))


def answered(client: Client, path: str, request: dict):
    response = client.post(path, **request)
    headers = {name: value for name, value in response.headers.items() if name not in IGNORED_HEADERS}
    if "Retry-After" in headers:
        headers["Retry-After"] = "N"
    return response.status_code, headers, comparable(response.get_data(as_text=True))


def hears_every_change(identity) -> None:
    """On PostgreSQL the change feeds connect in the background: wait until both listen."""
    deadline = time.monotonic() + 10
    while not (identity.client_changes.listening.is_set() and identity.trust.changes.listening.is_set()):
        assert time.monotonic() < deadline, "the change feeds did not connect"
        time.sleep(0.02)


def settled(harness, call, attempts: int = 50):
    """``call()`` once the notices of the set-up's own commits have arrived (they drop the caches when they
    do, asynchronously on PostgreSQL): its answer and the SQL statements it ran, repeated while it runs any."""
    for _ in range(attempts):
        with StatementCounter(harness.runtime.database.engine) as statements:
            answer = call()
        if statements.count == 0:
            break
        time.sleep(0.05)
    return answer, statements.count


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
    without = Client(inner_app_of(harness.app, IntrospectionShortcut))
    for name, request in requests.items():
        assert answered(with_shortcut, "/oauth/introspect", request) == answered(
            without, "/oauth/introspect", request
        ), name
    # Slowed down after failed attempts: both answer slow_down, with a Retry-After.
    for _ in range(12):
        without.post("/oauth/introspect", data={"token": token}, headers=basic(owner_id, "wrong"))
    slowed = {"data": {"token": token}, "headers": basic(owner_id, owner_secret)}
    assert answered(with_shortcut, "/oauth/introspect", slowed)[0] == 429
    assert answered(with_shortcut, "/oauth/introspect", slowed) == answered(without, "/oauth/introspect", slowed)


class AuthlibOnly(TokenShortcut):
    """The token endpoint as it is without the lean client_credentials route: every request to Authlib."""

    def _plain_token(self, environ, body):
        return None


def test_the_token_shortcut_answers_what_authlib_answers(harness, resource_server):
    """Success and every error, with and without the shortcut: same status, headers, body and claims."""
    client_id, secret = harness.approved_client(grants=GRANTS)
    guessed_id, _ = harness.approved_client(partner_id="partner-2")
    empty_id, empty_secret = harness.approved_client(partner_id="partner-3")
    grant = {"grant_type": "client_credentials"}
    post = {**grant, "client_id": client_id, "client_secret": secret}
    requests = {
        "client_secret_post": {"data": post},
        "client_secret_basic": {"data": grant, "headers": basic(client_id, secret)},
        "no grants": {"data": {**grant, "client_id": empty_id, "client_secret": empty_secret}},
        "narrowed scope": {"data": {**post, "scope": "leerlingen"}},
        "institution scope": {"data": {**post, "scope": "personeel:012345 leerlingen:012345"}},
        "empty scope": {"data": {**post, "scope": ""}},
        "unknown scope": {"data": {**post, "scope": "rekeningen"}},
        "scope with an empty part": {"data": {**post, "scope": "leerlingen:"}},
        "wrong secret by post": {"data": {**grant, "client_id": guessed_id, "client_secret": "wrong"}},
        "wrong secret by basic": {"data": grant, "headers": basic(guessed_id, "wrong")},
        "unknown client": {"data": {**grant, "client_id": "nobody", "client_secret": "secret"}},
        "client id alone": {"data": {**grant, "client_id": client_id}},
        "secret alone": {"data": {**grant, "client_secret": secret}},
        "empty secret": {"data": {**grant, "client_id": client_id, "client_secret": ""}},
        "header and body": {"data": post, "headers": basic(client_id, secret)},
        "basic with client id in the body": {
            "data": {**grant, "client_id": client_id},
            "headers": basic(client_id, secret),
        },
        "Basic alone": {"data": grant, "headers": {"Authorization": "Basic"}},
        "Basic not base64": {"data": grant, "headers": {"Authorization": "Basic !!!"}},
        "Bearer and body": {"data": post, "headers": {"Authorization": "Bearer x"}},
        "no authentication": {"data": grant},
        "resource server": {"data": grant, "headers": basic(*resource_server)},
        "public client": {"data": {**grant, "client_id": "portal-front-office"}},
        "missing grant type": {"data": {"client_id": client_id, "client_secret": secret}},
        "other grant type": {"data": {**post, "grant_type": "password"}},
        "authorization_code": {"data": {**post, "grant_type": "authorization_code", "code": "x"}},
        "duplicate grant type": {
            "data": "grant_type=client_credentials&" * 2 + f"client_id={client_id}&client_secret={secret}",
            "content_type": FORM,
        },
        "duplicate client id": {
            "data": f"grant_type=client_credentials&client_id={client_id}&client_id={client_id}&client_secret={secret}",
            "content_type": FORM,
        },
        "extra field": {"data": {**post, "audience": "x"}},
        "NUL in scope": {"data": {**post, "scope": "leerlingen\x00"}},
        "bad percent-escape": {
            "data": f"grant_type=client_credentials&client_id={client_id}&client_secret=%ff",
            "content_type": FORM,
        },
        "empty body": {"data": b"", "content_type": FORM},
        "query string": {"data": post, "query_string": {"scope": "leerlingen"}},
        "JSON body": {"json": post},
        "text body": {"data": "grant_type=client_credentials", "content_type": "text/plain"},
        "charset in the content type": {
            "data": "grant_type=client_credentials&client_id=" + client_id + "&client_secret=" + secret,
            "content_type": FORM + "; charset=UTF-8",
        },
    }
    with_shortcut = harness.client
    without = Client(AuthlibOnly(harness.app, inner_app_of(harness.app, TokenShortcut)))
    for name, request in requests.items():
        assert answered(with_shortcut, "/oauth/token", request) == answered(without, "/oauth/token", request), name
    for _ in range(12):
        without.post("/oauth/token", data={**grant, "client_id": client_id, "client_secret": "wrong"})
    slowed = {"data": post}
    assert answered(with_shortcut, "/oauth/token", slowed)[0] == 429
    assert answered(with_shortcut, "/oauth/token", slowed) == answered(without, "/oauth/token", slowed)


def test_a_plain_token_request_needs_neither_authlib_nor_the_database_once_seen(harness, monkeypatch):
    client_id, secret = harness.approved_client(grants=GRANTS)
    hears_every_change(harness.identity)
    request = {"data": {"grant_type": "client_credentials"}, "headers": basic(client_id, secret)}
    assert harness.client.post("/oauth/token", **request).status_code == 200

    def refused(*args, **kwargs):
        raise AssertionError("the plain case must not reach Authlib's request handling")

    monkeypatch.setattr(harness.app.extensions["oauth_server"], "create_token_response", refused)
    again, statements = settled(harness, lambda: harness.client.post("/oauth/token", **request))
    assert again.status_code == 200 and again.get_json()["scope"] == "leerlingen personeel"
    assert statements == 0


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
    again, statements = settled(harness, lambda: shortcut.post("/oauth/introspect", **request))
    assert again.get_json() == first.get_json()
    assert statements == 0


@pytest.fixture
def replica(harness, database_url, tokens):
    """A second process of the identity service on the same database: it hears changes only through the feeds."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the embedded mode runs one process")
    app, runtime = start_service(SERVICE, database_url, tokens, internal_token=INTERNAL_TOKEN)
    hears_every_change(runtime.container)
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
