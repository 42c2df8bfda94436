"""The JWKS cache: fetched once, fetched again for a new kid (key rotation), never hammered."""

import pytest
from joserfc.jwk import ECKey, KeySet

from portalkit.auth import JwksCache, TokenError, TokenVerifier
from portalkit.testing import AUDIENCE, ISSUER


class CountingJwks:
    def __init__(self, keys):
        self.keys = keys
        self.fetches = 0

    def __call__(self):
        self.fetches += 1
        return KeySet(self.keys).as_dict(private=False)


def test_known_keys_are_cached(tokens):
    source = CountingJwks([tokens.key])
    verifier = TokenVerifier(JwksCache(source), ISSUER, AUDIENCE)
    for _ in range(5):
        verifier.verify(tokens.token(roles=["partner"]))
    assert source.fetches == 1


def test_a_rotated_key_is_fetched_once_seen(tokens):
    new_key = ECKey.generate_key("P-256", parameters={"kid": "rotated", "alg": "ES256"})
    source = CountingJwks([tokens.key])
    verifier = TokenVerifier(JwksCache(source, refresh_floor=0), ISSUER, AUDIENCE)
    verifier.verify(tokens.token())
    source.keys = [tokens.key, new_key]
    principal = verifier.verify(tokens.token("after-rotation", key=new_key))
    assert principal.subject == "after-rotation"
    assert source.fetches == 2


def test_unknown_kids_cannot_force_a_fetch_per_request(tokens):
    stranger = ECKey.generate_key("P-256", parameters={"kid": "stranger", "alg": "ES256"})
    source = CountingJwks([tokens.key])
    verifier = TokenVerifier(JwksCache(source, refresh_floor=60), ISSUER, AUDIENCE)
    verifier.verify(tokens.token())
    for _ in range(10):
        with pytest.raises(TokenError):
            verifier.verify(tokens.token(key=stranger))
    assert source.fetches == 1


def test_claims_become_a_principal(tokens):
    verifier = TokenVerifier(JwksCache(tokens.jwks), ISSUER, AUDIENCE)
    principal = verifier.verify(
        tokens.token("admin-1", roles=["school-admin"], email="a@school.be", institutions=["123456", 7])
    )
    assert principal.roles == {"school-admin"}
    assert principal.institutions == {"123456", "7"}
    assert principal.email == "a@school.be"


def test_id_tokens_are_not_access_tokens(tokens):
    from joserfc import jwt

    token = jwt.encode(
        {"alg": "ES256", "kid": tokens.key.kid, "typ": "JWT"},
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": 9999999999},
        tokens.key,
    )
    with pytest.raises(TokenError, match="typ"):
        TokenVerifier(JwksCache(tokens.jwks), ISSUER, AUDIENCE).verify(token)


def test_jwks_outage_before_first_fetch_is_a_token_error():
    import requests

    def down():
        raise requests.ConnectionError("identity down")

    with pytest.raises(TokenError, match="JWKS unavailable"):
        JwksCache(down).key_set("any")
