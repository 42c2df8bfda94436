"""Signing keys and their rotation rules.

A key goes through three phases: published (in the JWKS, not yet signing, so caches learn it), signing,
and retiring (no longer signing, still published until every token it signed has expired).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from joserfc.jwk import ECKey

ALGORITHM = "ES256"


@dataclasses.dataclass
class SigningKey:
    kid: str
    algorithm: str
    private_jwk: dict
    public_jwk: dict
    created_at: dt.datetime
    signs_from: dt.datetime
    retire_after: dt.datetime | None = None

    @classmethod
    def generate(cls, now: dt.datetime, signs_from: dt.datetime) -> SigningKey:
        kid = uuid.uuid4().hex
        key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
        return cls(
            kid=kid,
            algorithm=ALGORITHM,
            private_jwk=key.as_dict(private=True),
            public_jwk=key.as_dict(private=False),
            created_at=now,
            signs_from=signs_from,
        )

    def published(self, now: dt.datetime) -> bool:
        return self.retire_after is None or now < self.retire_after


def signing_key(keys: list[SigningKey], now: dt.datetime) -> SigningKey | None:
    """The newest key whose signing time has come."""
    ready = [key for key in keys if key.signs_from <= now and key.published(now)]
    return max(ready, key=lambda key: key.signs_from, default=None)


def rotate(keys: list[SigningKey], now: dt.datetime, lead: dt.timedelta, token_lifetime: dt.timedelta) -> SigningKey:
    """Add a key that signs after ``lead``; the current one retires once its last token has expired.

    With no key at all the new key signs at once: no token exists that a cache would need to verify.
    """
    current = signing_key(keys, now)
    signs_from = now + lead if current is not None else now
    new = SigningKey.generate(now, signs_from)
    for key in keys:
        if key.retire_after is None:
            key.retire_after = signs_from + token_lifetime
    return new


def published_keys(keys: list[SigningKey], now: dt.datetime) -> list[SigningKey]:
    return sorted((key for key in keys if key.published(now)), key=lambda key: key.signs_from)
