"""The token endpoint against abuse: secret guessing, mixed client authentication, malleable signatures,
malformed scopes and requests that used to give a 500."""

import base64
import datetime as dt
import time
import uuid

import pytest
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from identity_harness import with_s
from portal_identity.domain.clients import granted_scope
from portalkit.testing import ISSUER

GRANTS = [("leerlingen", "012345")]


@pytest.mark.parametrize("scope", ["leerlingen:", ":012345", "leerlingen::012345", "leerlingen:012345:x"])
def test_a_scope_with_an_empty_or_extra_part_is_no_scope(scope):
    assert granted_scope(GRANTS, scope) is None


def test_token_answers_say_nosniff_and_no_store(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    for response in (harness.token(client_id, secret), harness.token(client_id, "wrong")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_an_empty_institution_is_invalid_scope_at_the_endpoint(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    response = harness.token(client_id, secret, scope="leerlingen:")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"


def basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_two_client_authentication_methods_at_once_are_refused(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = harness.client.post("/oauth/token", data=form, headers=basic(client_id, secret))
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    assert "one" in response.get_json()["error_description"].lower()
    assertion_too = {
        **form,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": "a.b.c",
    }
    assert harness.client.post("/oauth/token", data=assertion_too).get_json()["error"] == "invalid_request"


def wrong(harness, client_id, n=1):
    return [harness.token(client_id, f"wrong-{i}") for i in range(n)]


def test_guessing_a_clients_secret_is_slowed_with_retry_after(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    answers = wrong(harness, client_id, 12)
    assert [a.status_code for a in answers[:11]] == [400] * 11
    slowed = answers[11]
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    assert slowed.get_json()["error"] == "slow_down" and slowed.headers["Cache-Control"] == "no-store"
    assert harness.token(client_id, secret).status_code == 429  # not heard, right or wrong


def test_a_slowed_client_is_heard_again_after_the_delay(harness):
    client_id, secret = harness.approved_client(grants=GRANTS)
    wrong(harness, client_id, 11)
    with harness.runtime.database.session() as session:  # the delay passes
        table = sa.table("login_throttles", sa.column("key"), sa.column("locked_until"))
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.execute(sa.update(table).where(table.c.key == f"client:{client_id}").values(locked_until=past))
        session.commit()
    harness.identity.clients.invalidate(client_id)
    assert harness.token(client_id, secret).status_code == 200


def test_another_clients_guessing_does_not_slow_this_one(harness):
    victim, secret = harness.approved_client(grants=GRANTS)
    other, _ = harness.approved_client(grants=GRANTS)
    wrong(harness, other, 12)
    assert harness.token(victim, secret).status_code == 200


@pytest.fixture
def es256_client(harness):
    from portal_identity.service_layer.clients import import_clients

    key = ECKey.generate_key("P-256", parameters={"kid": "k1", "alg": "ES256"})
    import_clients(
        harness.identity,
        [{"client_id": "keypair-es", "name": "Key pair", "jwks": KeySet([key]).as_dict(private=False), "grants": []}],
    )
    return "keypair-es", key


def signed_assertion(key, client_id):
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"{ISSUER}/oauth/token",
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key)


def assertion_token(harness, signed):
    return harness.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": signed,
        },
    )


def test_a_high_s_es256_assertion_is_refused(harness, es256_client):
    client_id, key = es256_client
    response = assertion_token(harness, with_s(signed_assertion(key, client_id), high=True))
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_client"


def test_the_low_s_form_of_the_same_kind_of_assertion_works(harness, es256_client):
    client_id, key = es256_client
    assert assertion_token(harness, with_s(signed_assertion(key, client_id), high=False)).status_code == 200


@pytest.mark.parametrize("field", ["client_id", "client_secret", "scope", "grant_type"])
def test_nul_or_quotes_in_token_parameters_are_no_500(harness, field):
    client_id, secret = harness.approved_client(grants=GRANTS)
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    for evil in ("a\x00b", 'a"b', "a\\b"):
        response = harness.client.post("/oauth/token", data={**form, field: evil})
        assert 400 <= response.status_code < 500, (field, evil, response.get_data(as_text=True))
        assert response.get_json()["error"]


@pytest.mark.parametrize("client_id", ["a\x00b", "\udc80"])
def test_a_client_id_that_cannot_be_stored_in_http_basic_is_invalid_client(harness, client_id):
    header = base64.b64encode(f"{client_id}:secret".encode("utf-8", "surrogateescape")).decode()
    response = harness.client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {header}"}
    )
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"
