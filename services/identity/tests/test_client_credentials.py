"""The client credentials grant (RFC 6749 4.4) with every client authentication method and error."""

import base64
import datetime as dt
import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from identity_harness import sign_assertion
from portalkit.testing import ISSUER

GRANTS = [("leerlingen", "012345"), ("leerlingen", "067890"), ("personeel", "012345")]


def claims_of(harness, access_token):
    keys = KeySet.import_key_set(harness.client.get("/.well-known/jwks.json").get_json())
    decoded = jwt.decode(access_token, keys, algorithms=["ES256"])
    return decoded.header, decoded.claims


@pytest.mark.parametrize("basic", [False, True], ids=["client_secret_post", "client_secret_basic"])
def test_a_token_is_exactly_the_documented_answer(harness, basic):
    client_id, secret = harness.approved_client(grants=GRANTS)
    response = harness.token(client_id, secret, basic=basic)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["scope"] == "leerlingen personeel"
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"


def test_the_access_token_is_an_rfc_9068_jwt(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    header, claims = claims_of(harness, harness.token(client_id, secret).get_json()["access_token"])
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256" and header["kid"]
    assert claims["iss"] == ISSUER and claims["sub"] == client_id and claims["client_id"] == client_id
    assert claims["aud"] == "data-apis"
    assert claims["exp"] - claims["iat"] == 900 and claims["jti"]
    assert claims["grants"] == {"leerlingen": ["012345", "067890"], "personeel": ["012345"]}


def test_a_client_without_grants_still_gets_a_token_with_empty_scope(harness):
    client_id, secret = harness.approved_client()
    body = harness.token(client_id, secret).get_json()
    assert body["scope"] == ""
    assert claims_of(harness, body["access_token"])[1]["grants"] == {}


@pytest.mark.parametrize(
    ("scope", "expected_scope", "expected_grants"),
    [
        ("leerlingen", "leerlingen", {"leerlingen": ["012345", "067890"]}),
        ("leerlingen:067890", "leerlingen:067890", {"leerlingen": ["067890"]}),
        (
            "personeel leerlingen:012345",
            "leerlingen:012345 personeel",
            {"leerlingen": ["012345"], "personeel": ["012345"]},
        ),
    ],
)
def test_a_request_may_narrow_the_scope(harness, scope, expected_scope, expected_grants):
    client_id, secret = harness.approved_client(grants=GRANTS)
    body = harness.token(client_id, secret, scope=scope).get_json()
    assert body["scope"] == expected_scope
    assert claims_of(harness, body["access_token"])[1]["grants"] == expected_grants


@pytest.mark.parametrize("scope", ["rekeningen", "leerlingen:999999", "personeel:067890", "openid"])
def test_asking_for_more_than_granted_is_invalid_scope(harness, scope):
    client_id, secret = harness.approved_client(grants=GRANTS)
    response = harness.token(client_id, secret, scope=scope)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("unknown-client", "whatever"), (None, "wrong-secret")],
    ids=["unknown-id", "wrong-secret"],
)
def test_bad_credentials_by_post_are_400_invalid_client(harness, client_id, secret):
    real_id, _ = harness.approved_client()
    response = harness.token(client_id or real_id, secret)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_client", "error_description": "Client authentication failed."}
    assert "WWW-Authenticate" not in response.headers


def test_bad_credentials_by_basic_are_401_with_a_challenge(harness):
    client_id, _ = harness.approved_client()
    for credentials in ((client_id, "wrong"), ("nobody", "wrong")):
        response = harness.token(*credentials, basic=True)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.get_json()["error"] == "invalid_client"


def test_a_rejected_or_archived_application_makes_its_client_invalid(harness):
    client_id, secret = harness.approved_client()
    assert harness.token(client_id, secret).status_code == 200
    harness.deliver(
        "apps.application.archived",
        {"application_id": harness.application_of(client_id), "partner_id": "partner-1", "archived_by": "m"},
    )
    response = harness.token(client_id, secret)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_client"


def test_rotation_keeps_the_old_secret_until_its_expiry(harness):
    from portal_identity.service_layer import clients

    client_id, old = harness.approved_client()
    issued = clients.rotate_secret(harness.identity, client_id, "partner-1", "user-1")
    assert issued.previous_expires_at is not None
    assert harness.token(client_id, old).status_code == 200
    assert harness.token(client_id, issued.client_secret).status_code == 200
    with harness.runtime.unit_of_work() as uow:  # the rotation window has passed
        from portal_identity.adapters.repositories import Clients

        for secret in Clients(uow.session).get(client_id).secrets:
            if secret.expires_at is not None:
                secret.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        uow.commit()
    harness.identity.clients.invalidate(client_id)
    assert harness.token(client_id, old).get_json()["error"] == "invalid_client"
    assert harness.token(client_id, issued.client_secret).status_code == 200


def test_secrets_are_long_random_and_stored_only_as_hashes(harness):
    client_id, secret = harness.approved_client()
    assert len(secret) >= 43  # 32 random bytes, base64url
    from portal_identity.adapters.repositories import Clients

    with harness.runtime.unit_of_work() as uow:
        stored = [s.secret_hash for s in Clients(uow.session).get(client_id).secrets]
    assert stored and all(secret not in value for value in stored)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password", "username": "x", "password": "y"}, "unsupported_grant_type"),
        ({"grant_type": ""}, "unsupported_grant_type"),
        ({}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unauthorized_client"),
        ({"grant_type": "refresh_token", "refresh_token": "x"}, "unauthorized_client"),
    ],
)
def test_other_grant_types_get_their_rfc_error(harness, form, error):
    client_id, secret = harness.approved_client()
    response = harness.client.post("/oauth/token", data={**form, "client_id": client_id, "client_secret": secret})
    assert (response.status_code, response.get_json()["error"]) == (400, error)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("grant_type=client_credentials", "text/plain"),
        ('{"grant_type": "client_credentials"}', "application/json"),
        ("%%%%", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_requests_never_give_500(harness, body, content_type):
    response = harness.client.post("/oauth/token", data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()


def test_an_oversized_token_request_is_413_in_the_oauth_format(harness):
    response = harness.client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "pad": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "invalid_request"


def test_the_token_endpoint_answers_with_a_request_id(harness):
    client_id, secret = harness.approved_client()
    response = harness.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        headers={"X-Request-ID": "tok-1"},
    )
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "tok-1"


def test_get_on_the_token_endpoint_is_an_oauth_error(harness):
    response = harness.client.get("/oauth/token")
    assert response.status_code == 405
    assert response.get_json()["error"] == "invalid_request"


def assertion(key, client_id, audience, **changes):
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        **changes,
    }
    return sign_assertion({"alg": key.alg if hasattr(key, "alg") else "ES256", "kid": key.kid}, claims, key)


@pytest.fixture(params=["ES256", "RS256"])
def key_pair_client(request, harness):
    """An imported client that authenticates with a key pair (its public JWKS registered)."""
    from portal_identity.service_layer.clients import import_clients

    if request.param == "ES256":
        key = ECKey.generate_key("P-256", parameters={"kid": "k1", "alg": "ES256"})
    else:
        key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
    client_id = f"keypair-{request.param}"
    import_clients(
        harness.identity,
        [
            {
                "client_id": client_id,
                "name": "Key pair client",
                "jwks": KeySet([key]).as_dict(private=False),
                "grants": [{"api": "leerlingen", "institution_number": "1"}],
            }
        ],
    )
    return client_id, key, request.param


def key_pair_token(harness, client_id, signed):
    return harness.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": signed,
        },
    )


def test_private_key_jwt_authenticates(harness, key_pair_client):
    client_id, key, alg = key_pair_client
    signed = sign_assertion({"alg": alg, "kid": "k1"}, _assertion_claims(client_id), key)
    response = key_pair_token(harness, client_id, signed)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["scope"] == "leerlingen"


def _assertion_claims(client_id, **changes):
    now = int(time.time())
    return {
        "iss": client_id,
        "sub": client_id,
        "aud": f"{ISSUER}/oauth/token",
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        **changes,
    }


def test_a_replayed_assertion_is_refused(harness, key_pair_client):
    client_id, key, alg = key_pair_client
    signed = sign_assertion({"alg": alg, "kid": "k1"}, _assertion_claims(client_id), key)
    assert key_pair_token(harness, client_id, signed).status_code == 200
    replay = key_pair_token(harness, client_id, signed)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "changes",
    [{"aud": "https://elsewhere.example/token"}, {"exp": int(time.time()) - 300}, {"iss": "someone-else"}],
    ids=["wrong-audience", "expired", "iss-differs-from-sub"],
)
def test_bad_assertions_are_invalid_client(harness, key_pair_client, changes):
    client_id, key, alg = key_pair_client
    signed = sign_assertion({"alg": alg, "kid": "k1"}, _assertion_claims(client_id, **changes), key)
    assert key_pair_token(harness, client_id, signed).get_json()["error"] == "invalid_client"


def test_an_assertion_signed_by_another_key_is_invalid_client(harness, key_pair_client):
    client_id, _, _ = key_pair_client
    stranger = ECKey.generate_key("P-256", parameters={"kid": "k1"})
    signed = sign_assertion({"alg": "ES256", "kid": "k1"}, _assertion_claims(client_id), stranger)
    assert key_pair_token(harness, client_id, signed).get_json()["error"] == "invalid_client"


def test_basic_header_garbage_is_invalid_client_not_500(harness):
    for value in ("Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode(), "Basic ", "Bearer x"):
        response = harness.client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": value}
        )
        assert response.status_code in (400, 401)
        assert response.get_json()["error"] == "invalid_client"


def test_a_client_remembers_a_bounded_number_of_worked_out_scopes(harness):
    """The cached client keeps the scopes it worked out, but a client inventing scope strings cannot grow it."""
    from portal_identity.adapters.oauth import OAuthClient

    client_id, secret = harness.approved_client(grants=GRANTS)
    for _ in range(2):
        assert harness.token(client_id, secret, scope="leerlingen:067890").get_json()["scope"] == "leerlingen:067890"
    snapshot = harness.app.extensions["oauth_server"].query_client(client_id)
    assert isinstance(snapshot, OAuthClient) and "leerlingen:067890" in snapshot._scopes  # the one tokens use
    for n in range(50):
        assert harness.token(client_id, secret, scope=f"leerlingen:{n:06d}").status_code == 400
    assert len(snapshot._scopes) == 32
    assert snapshot.granted("personeel") == ("personeel", {"personeel": ["012345"]})


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/introspect", "/oauth/revoke"])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"grant_type": "client_credentials"}', "application/json"),
        ("grant_type=client_credentials", "text/plain"),
        ("<grant_type>client_credentials</grant_type>", "application/xml"),
    ],
)
def test_a_body_that_is_not_form_encoded_gets_an_rfc_6749_error_saying_so(harness, path, body, content_type):
    client_id, secret = harness.approved_client()
    response = harness.client.post(path, data=body, content_type=content_type, auth=(client_id, secret))
    # JSON is read by the service's other endpoints: the OAuth ones say that they want a form. A type no
    # endpoint reads may also be 415, still in the RFC 6749 format.
    assert response.status_code == 400 if content_type == "application/json" else response.status_code in (400, 415)
    answer = response.get_json()
    assert answer["error"] == "invalid_request"
    assert "application/x-www-form-urlencoded" in answer["error_description"]
    assert response.headers["Cache-Control"] == "no-store"
