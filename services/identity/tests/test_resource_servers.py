"""What resource servers rely on: introspection (RFC 7662), revocation (RFC 7009), discovery (RFC 8414),
the JWKS, and an independent client library and JWT verifier that agree with all of it."""

import socket
import threading
import time

import jwt as pyjwt
import pytest
from authlib.integrations.requests_client import OAuth2Session
from werkzeug.serving import make_server

from portal_identity.bootstrap import SERVICE
from portal_identity.service_layer import clients
from portalkit.config import ConfigError
from portalkit.testing import start_service

GRANTS = [("leerlingen", "012345"), ("personeel", "012345")]


@pytest.fixture
def resource_server(harness):
    client, secret = clients.create_resource_server(harness.identity, "Leerlingen-API")
    return client.client_id, secret


def introspect(harness, token, credentials):
    return harness.client.post("/oauth/introspect", data={"token": token}, auth=credentials).get_json()


def test_introspection_shows_the_grants_in_force_now(harness, resource_server):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    answer = introspect(harness, token, resource_server)
    assert answer["active"] is True and answer["client_id"] == client_id
    assert answer["grants"] == {"leerlingen": ["012345"], "personeel": ["012345"]}
    harness.grant(harness.application_of(client_id), [("leerlingen", "012345")], version=2)  # personeel revoked
    answer = introspect(harness, token, resource_server)
    assert answer["grants"] == {"leerlingen": ["012345"]} and answer["scope"] == "leerlingen"
    fresh = harness.token(client_id, secret).get_json()
    assert fresh["scope"] == "leerlingen"


def test_grants_that_reached_their_end_date_leave_new_tokens_and_introspection(harness, resource_server):
    """The scopes service's sweep removes ended grants with the same ``scopes.grants.changed`` as any revocation
    (the removed ones named, the next version), beside its ``scopes.grants.expired``, which identity ignores."""
    grants = [("leerlingen", "012345"), ("personeel", "012345"), ("leerlingen", "067890")]
    client_id, secret = harness.approved_client(grants=grants)
    token = harness.token(client_id, secret).get_json()["access_token"]
    assert introspect(harness, token, resource_server)["scope"] == "leerlingen personeel"
    harness.deliver(
        "scopes.grants.changed",
        {
            "application_id": harness.application_of(client_id),
            "grants_version": 2,
            "grants": [{"api": "leerlingen", "institution_number": "067890"}],
            "added": [],
            "removed": [
                {"api": "leerlingen", "institution_number": "012345"},
                {"api": "personeel", "institution_number": "012345"},
            ],
        },
    )
    answer = introspect(harness, token, resource_server)
    assert answer["grants"] == {"leerlingen": ["067890"]} and answer["scope"] == "leerlingen"
    fresh = harness.token(client_id, secret).get_json()
    assert fresh["scope"] == "leerlingen"
    assert introspect(harness, fresh["access_token"], resource_server)["grants"] == {"leerlingen": ["067890"]}


def test_a_stale_grant_event_changes_nothing(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    application = harness.application_of(client_id)
    harness.grant(application, [("rekeningen", "1")], version=3)
    harness.grant(application, [("leerlingen", "1")], version=2)  # arrives late
    assert harness.token(client_id, secret).get_json()["scope"] == "rekeningen"


def test_a_revoked_access_token_is_inactive_at_once(harness, resource_server):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    revoked = harness.client.post("/oauth/revoke", data={"token": token}, auth=(client_id, secret))
    assert revoked.status_code == 200
    assert introspect(harness, token, resource_server) == {"active": False}


def test_a_deactivated_client_makes_its_tokens_inactive(harness, resource_server):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    harness.deliver(
        "apps.application.rejected",
        {
            "application_id": harness.application_of(client_id),
            "partner_id": "partner-1",
            "name": "Agenda",
            "contact_email": "dev@agenda.example",
            "reason": "Onvolledig",
            "rejected_by": "m",
        },
    )
    assert introspect(harness, token, resource_server) == {"active": False}


def test_garbage_and_foreign_tokens_are_inactive(harness, resource_server, tokens):
    assert introspect(harness, "not-a-token", resource_server) == {"active": False}
    assert introspect(harness, tokens.token("x"), resource_server) == {"active": False}  # signed by another key


def test_introspection_needs_a_resource_server_or_the_token_owner(harness, resource_server):
    owner_id, owner_secret = harness.approved_client(grants=GRANTS)
    other_id, other_secret = harness.approved_client(partner_id="partner-2")
    token = harness.token(owner_id, owner_secret).get_json()["access_token"]
    assert introspect(harness, token, (owner_id, owner_secret))["active"] is True
    assert introspect(harness, token, (other_id, other_secret)) == {"active": False}
    anonymous = harness.client.post("/oauth/introspect", data={"token": token})
    assert anonymous.status_code in (400, 401) and anonymous.get_json()["error"] == "invalid_client"


def test_resource_servers_get_no_tokens(harness, resource_server):
    response = harness.token(*resource_server)
    assert response.get_json()["error"] in ("invalid_client", "unauthorized_client")


def test_discovery_lists_what_is_supported(harness):
    for path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
        metadata = harness.client.get(path).get_json()
        assert metadata["issuer"] == "https://portal.test"
        assert metadata["token_endpoint"] == "https://portal.test/oauth/token"
        assert set(metadata["grant_types_supported"]) == {"authorization_code", "refresh_token", "client_credentials"}
        assert metadata["code_challenge_methods_supported"] == ["S256"]
        assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_referee_an_independent_client_and_verifier_agree(database_url, tokens):
    """Authlib's requests client fetches the token over real HTTP; PyJWT verifies it with the JWKS."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app, runtime = start_service(SERVICE, database_url, tokens, public_url=base, token_issuer=base)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from identity_harness import IdentityHarness

        harness = IdentityHarness(app, runtime)
        client_id, secret = harness.approved_client(grants=GRANTS)
        for method in ("client_secret_basic", "client_secret_post"):
            session = OAuth2Session(client_id, secret, token_endpoint_auth_method=method)
            token = session.fetch_token(f"{base}/oauth/token", grant_type="client_credentials", scope="leerlingen")
            assert token["token_type"] == "Bearer" and token["scope"] == "leerlingen"
            signing_key = pyjwt.PyJWKClient(f"{base}/.well-known/jwks.json").get_signing_key_from_jwt(
                token["access_token"]
            )
            claims = pyjwt.decode(
                token["access_token"],
                signing_key.key,
                algorithms=["ES256"],
                audience="data-apis",
                issuer=base,
                options={"require": ["exp", "iat", "iss", "sub", "jti"]},
            )
            assert claims["client_id"] == client_id and claims["grants"] == {"leerlingen": ["012345"]}
            assert pyjwt.get_unverified_header(token["access_token"])["typ"] == "at+jwt"
    finally:
        server.shutdown()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_behind_a_proxy_that_ends_tls_the_public_address_counts(database_url, tokens):
    """nginx passes plain HTTP under the public host name; clients used https, which the PUBLIC_URL says.
    Authlib judges the TLS rule on the public address, not on the last hop (that was a 500)."""
    from identity_harness import IdentityHarness

    public = "https://portal.example.org"
    app, runtime = start_service(SERVICE, database_url, tokens, public_url=public, token_issuer=public)
    harness = IdentityHarness(app, runtime)
    client_id, secret = harness.approved_client(grants=GRANTS)
    server, server_secret = clients.create_resource_server(harness.identity, "Leerlingen-API")
    hop = {"base_url": "http://portal.example.org"}
    answer = harness.client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), **hop
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    token = answer.get_json()["access_token"]
    introspected = harness.client.post(
        "/oauth/introspect", data={"token": token}, auth=(server.client_id, server_secret), **hop
    )
    assert introspected.status_code == 200 and introspected.get_json()["active"] is True


def test_a_public_url_without_tls_is_refused_at_start():
    with pytest.raises(ConfigError, match="https://"):
        SERVICE.settings({"PUBLIC_URL": "http://portal.example.org"})
    for fine in ("https://portal.example.org", "http://127.0.0.1:8080", "http://localhost:8080"):
        assert SERVICE.settings({"PUBLIC_URL": fine}).public_url == fine


def test_a_deactivated_profiles_clients_get_no_token_and_their_tokens_go_inactive(harness, resource_server):
    client_id, secret = harness.approved_client(partner_id="partner-1", grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    harness.deliver("partners.profile.deactivated", {"partner_id": "partner-1", "changed_by": "mod-1"})
    assert harness.token(client_id, secret).get_json()["error"] == "invalid_client"
    assert introspect(harness, token, resource_server) == {"active": False}
    harness.deliver("partners.profile.reactivated", {"partner_id": "partner-1", "changed_by": "mod-1"})
    time.sleep(1.01 - time.time() % 1)  # a token of the deactivation's own second counts as issued before it
    fresh = harness.token(client_id, secret)
    assert fresh.status_code == 200
    assert introspect(harness, fresh.get_json()["access_token"], resource_server)["active"] is True
    assert introspect(harness, token, resource_server) == {"active": False}  # issued before: stays revoked


def test_an_emergency_stop_also_ends_the_tokens_the_leaked_secret_already_got(harness, resource_server, tokens):
    client_id, secret = harness.approved_client(grants=GRANTS)
    token = harness.token(client_id, secret).get_json()["access_token"]
    moderator = {"Authorization": f"Bearer {tokens.token('mod-1', roles=['moderator'])}"}
    stopped = harness.client.post(
        f"/api/v1/admin/clients/{client_id}/revoke-secrets", json={"reason": "Gelekt"}, headers=moderator
    )
    assert stopped.status_code == 200
    assert introspect(harness, token, resource_server) == {"active": False}
