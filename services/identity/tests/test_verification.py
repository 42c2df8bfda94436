"""The introspection caches: verified tokens and revocations, never staler than what this process hears."""

import datetime as dt
import time

from joserfc.jwk import ECKey

from portal_identity.adapters import verification
from portal_identity.adapters.oauth import Es256Signer
from portal_identity.adapters.verification import AccessTokenVerifier, RevocationCache

ISSUER = "https://portal.test"


def signer() -> tuple[Es256Signer, dict]:
    """A signing key and its public JWK."""
    key = ECKey.generate_key("P-256", parameters={"kid": f"k{time.monotonic_ns()}"})
    return Es256Signer(key.as_dict(private=True)), key.as_dict(private=False)


def token(key: tuple[Es256Signer, dict], **claims) -> str:
    return key[0].sign({"iss": ISSUER, "sub": "c", "client_id": "c", "jti": "j1", "exp": 2**31, **claims})


def test_a_token_of_a_key_published_since_the_last_load_verifies_at_once(monkeypatch):
    monkeypatch.setattr(verification, "KEY_RELOAD_SECONDS", 0)
    old, new = signer(), signer()
    published = [old[1]]
    verifier = AccessTokenVerifier(lambda: list(published), ISSUER)
    assert verifier.claims(token(old))["jti"] == "j1"
    assert verifier.claims(token(new)) is None
    published.append(new[1])
    assert verifier.claims(token(new))["jti"] == "j1"


def test_only_our_access_tokens_verify():
    key = signer()
    verifier = AccessTokenVerifier(lambda: [key[1]], ISSUER)
    assert verifier.claims(token(key, iss="https://elsewhere")) is None
    assert verifier.claims(token(signer())) is None
    assert verifier.claims("not-a-token") is None


def counting(found: dict, on_load=lambda: None):
    loads = []

    def load(keys):
        loads.append(list(keys))
        on_load()
        return {key: found[key] for key in keys if key in found}

    return loads, load


CLAIMS = {"sub": "c", "jti": "j1", "iat": 100}
REVOKED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_revocations_are_read_once_until_one_is_announced():
    found = {}
    loads, load = counting(found)
    cache = RevocationCache(load, listening=lambda: True)
    assert not cache.covers(CLAIMS) and not cache.covers(CLAIMS)
    assert len(loads) == 1
    found["token:j1"] = REVOKED_AT
    cache.invalidate("token:j1")
    assert cache.covers(CLAIMS)
    assert loads[-1] == ["token:j1"]


def test_a_lookup_overlapping_a_revocation_is_not_kept():
    cache = None
    loads, load = counting({}, lambda: len(loads) == 1 and cache.invalidate("token:j1"))
    cache = RevocationCache(load, listening=lambda: True)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    assert len(loads) == 2


def test_nothing_comes_from_the_cache_while_revocations_are_not_heard():
    loads, load = counting({})
    cache = RevocationCache(load, listening=lambda: False)
    cache.covers(CLAIMS)
    cache.covers(CLAIMS)
    assert len(loads) == 2
