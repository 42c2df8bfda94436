"""Signing keys: rotation rules (unit) and the published key set (service, both databases)."""

import datetime as dt

import pytest

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
    ring = runtime.container.key_ring
    ensure_signing_key(runtime.unit_of_work, LIFETIME, ring=ring)
    rotate_keys(runtime.unit_of_work, LEAD, LIFETIME, ring=ring)
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


def stored_private_jwks(runtime) -> dict:
    import sqlalchemy as sa

    from portal_identity.adapters.orm import signing_keys

    with runtime.database.session() as session:
        rows = session.execute(sa.select(signing_keys.c.kid, signing_keys.c.private_jwk)).all()
    return {row.kid: row.private_jwk for row in rows}


def test_private_keys_are_sealed_at_rest_with_the_key_encryption_key(database_url, tokens):
    from identity_harness import IdentityHarness
    from portal_identity.adapters.sealing import KeyRing, new_key_encryption_key

    kek = new_key_encryption_key()
    app, runtime = start_service(SERVICE, database_url, tokens, key_encryption_key=kek)
    [(kid, stored)] = stored_private_jwks(runtime).items()
    assert stored["sealed"] == "A256GCM" and stored["kek"] == KeyRing([kek]).current
    assert not {"d", "x", "y"} & set(stored)
    assert KeyRing([kek]).open(kid, stored)["d"]
    harness = IdentityHarness(app, runtime)
    client_id, secret = harness.approved_client()
    assert harness.token(client_id, secret).status_code == 200  # the server opens what it sealed


def test_portalctl_keys_reseal_moves_every_key_to_a_new_key_encryption_key(database_url, tokens, monkeypatch):
    import sqlalchemy as sa
    from click.testing import CliRunner

    from portal_identity.adapters.orm import signing_keys
    from portal_identity.adapters.sealing import KeyEncryptionError, KeyRing, new_key_encryption_key
    from portalkit.cli import main

    old, new = new_key_encryption_key(), new_key_encryption_key()
    app, runtime = start_service(SERVICE, database_url, tokens, key_encryption_key=old)
    rotate_keys(runtime.unit_of_work, LEAD, LIFETIME, ring=KeyRing([old]))
    # a key stored before sealing existed, in clear
    first_kid = next(iter(stored_private_jwks(runtime)))
    clear = KeyRing([old]).open(first_kid, stored_private_jwks(runtime)[first_kid])
    with runtime.database.session() as session:
        session.execute(sa.update(signing_keys).where(signing_keys.c.kid == first_kid).values(private_jwk=clear))
        session.commit()
    monkeypatch.setenv("IDENTITY_DATABASE_URL", database_url)
    monkeypatch.setenv("IDENTITY_KEY_ENCRYPTION_KEY", f"{new},{old}")
    result = CliRunner().invoke(main, ["keys", "reseal"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 signing keys resealed" in result.output
    stored = stored_private_jwks(runtime)
    assert all(value["kek"] == KeyRing([new]).current for value in stored.values())
    for kid, value in stored.items():
        assert KeyRing([new]).open(kid, value)["d"]  # the new KEK alone opens them: the old one can go
        with pytest.raises(KeyEncryptionError):
            KeyRing([old]).open(kid, value)
