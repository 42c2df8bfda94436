"""Signing keys: rotation rules (unit) and the published key set (service, both databases)."""

import datetime as dt

from portal_identity.bootstrap import SERVICE
from portal_identity.domain.keys import published_keys, rotate, signing_key
from portal_identity.service_layer.keys import ensure_signing_key, rotate_keys
from portalkit.testing import start_service

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
LEAD = dt.timedelta(minutes=10)
LIFETIME = dt.timedelta(minutes=15)


def test_the_first_key_signs_at_once():
    first = rotate([], NOW, LEAD, LIFETIME)
    assert signing_key([first], NOW) is first


def test_a_new_key_is_published_before_it_signs_and_the_old_one_stays_until_its_tokens_expire():
    old = rotate([], NOW, LEAD, LIFETIME)
    new = rotate([old], NOW, LEAD, LIFETIME)
    keys = [old, new]
    assert published_keys(keys, NOW) == [old, new]
    assert signing_key(keys, NOW) is old
    assert signing_key(keys, NOW + LEAD) is new
    assert published_keys(keys, NOW + LEAD + LIFETIME - dt.timedelta(seconds=1)) == [old, new]
    assert published_keys(keys, NOW + LEAD + LIFETIME) == [new]


def test_public_keys_hold_no_private_part():
    key = rotate([], NOW, LEAD, LIFETIME)
    assert "d" in key.private_jwk and "d" not in key.public_jwk
    assert key.public_jwk["kid"] == key.kid and key.public_jwk["alg"] == "ES256"


def test_jwks_endpoint_publishes_the_prepared_key(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    response = app.test_client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "max-age" in response.headers["Cache-Control"]
    [key] = response.get_json()["keys"]
    assert key["kty"] == "EC" and "d" not in key


def test_preparing_twice_keeps_one_key_and_rotation_adds_the_next(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    ensure_signing_key(runtime.unit_of_work, LIFETIME)
    rotate_keys(runtime.unit_of_work, LEAD, LIFETIME)
    kids = [key["kid"] for key in app.test_client().get("/.well-known/jwks.json").get_json()["keys"]]
    assert len(kids) == 2 and len(set(kids)) == 2


def test_portalctl_keys_rotate(database_url, tokens, monkeypatch):
    from click.testing import CliRunner

    from portalkit.cli import main

    app, runtime = start_service(SERVICE, database_url, tokens)
    monkeypatch.setenv("IDENTITY_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "signs from" in result.output
    assert len(app.test_client().get("/.well-known/jwks.json").get_json()["keys"]) == 2
