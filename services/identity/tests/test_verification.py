"""The introspection cache of verified tokens: a newly published key verifies at once, no other issuer's token does."""

import time

from joserfc.jwk import ECKey

from portal_identity.adapters import verification
from portal_identity.adapters.oauth import Es256Signer
from portal_identity.adapters.verification import AccessTokenVerifier

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
