"""The rules of a client's secrets, on the domain objects alone (no database, no HTTP)."""

import dataclasses
import datetime as dt

import pytest

from portal_identity.domain.clients import Client, ReasonRequired, UnknownSecret

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(days=7)


def hashed(plain: str) -> str:
    return f"hash-of-{plain}"


def client_with_secrets(count: int) -> tuple[Client, list[str]]:
    client = Client.for_application("app-1", "partner-1", "Agenda", NOW)
    plains = []
    for index in range(count):
        plains.append(client.rotate_secret(hashed, NOW + dt.timedelta(minutes=index), WINDOW, f"user-{index}"))
        client.secrets[-1].id = index + 1  # as the database numbers them
    return client, plains


def test_a_new_secret_records_its_maker_and_last_4_characters_never_itself():
    client, [plain] = client_with_secrets(1)
    [secret] = client.secrets
    assert (secret.created_by, secret.last4, secret.secret_hash) == ("user-0", plain[-4:], hashed(plain))
    assert plain not in dataclasses.astuple(secret)


def test_revoking_one_secret_ends_only_that_one_now():
    client, _ = client_with_secrets(2)
    old, new = client.secrets
    client.revoke_secret(old.id, NOW + dt.timedelta(hours=1), "user-9")
    later = NOW + dt.timedelta(hours=1)
    assert client.live_secrets(later) == [new]
    assert (old.revoked_at, old.revoked_by) == (later, "user-9")
    assert not old.valid(later) and old.expires_at == NOW + dt.timedelta(minutes=1) + WINDOW  # expiry untouched


@pytest.mark.parametrize("case", ["unknown", "revoked", "expired"])
def test_only_a_live_secret_can_be_revoked(case):
    client, _ = client_with_secrets(2)
    old = client.secrets[0]
    when = NOW + dt.timedelta(hours=1)
    if case == "revoked":
        client.revoke_secret(old.id, when, "user-9")
    if case == "expired":
        when = NOW + WINDOW + dt.timedelta(days=1)
    with pytest.raises(UnknownSecret):
        client.revoke_secret(99 if case == "unknown" else old.id, when, "user-9")


def test_rotation_keeps_the_record_of_a_revoked_secret_without_reviving_it():
    client, _ = client_with_secrets(2)
    client.revoke_secret(1, NOW + dt.timedelta(hours=1), "user-9")
    client.rotate_secret(hashed, NOW + dt.timedelta(hours=2), WINDOW, "user-1")
    revoked = client.secrets[0]
    assert revoked.revoked_at is not None and not revoked.valid(NOW + dt.timedelta(hours=2))
    assert len(client.live_secrets(NOW + dt.timedelta(hours=2))) == 2  # the overlap window of the second


def test_rotation_forgets_expired_secrets():
    client, _ = client_with_secrets(2)
    client.rotate_secret(hashed, NOW + WINDOW + dt.timedelta(days=1), WINDOW, "user-1")
    assert len(client.secrets) == 2  # the first expired and is gone


def test_an_emergency_revocation_ends_every_live_secret_and_says_how_many():
    client, _ = client_with_secrets(3)
    assert client.revoke_all_secrets(NOW + dt.timedelta(hours=1), "mod-1", "Gelekt") == 3
    assert client.live_secrets(NOW + dt.timedelta(hours=1)) == []
    assert {secret.revoked_by for secret in client.secrets} == {"mod-1"}
    assert client.revoke_all_secrets(NOW + dt.timedelta(hours=2), "mod-1", "Nog eens") == 0


def test_an_emergency_revocation_needs_a_reason():
    client, _ = client_with_secrets(1)
    with pytest.raises(ReasonRequired):
        client.revoke_all_secrets(NOW, "mod-1", "  ")
    assert client.live_secrets(NOW) == client.secrets
