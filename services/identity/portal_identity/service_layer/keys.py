"""Use cases of signing keys: rotate, and what the JWKS publishes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from portal_identity.adapters.repositories import SigningKeys
from portal_identity.adapters.sealing import KeyRing
from portal_identity.domain import keys as domain
from portalkit.events.envelope import utcnow
from portalkit.uow import UnitOfWork


def rotate_keys(
    unit_of_work: Callable[[], UnitOfWork], lead: dt.timedelta, token_lifetime: dt.timedelta, *, ring: KeyRing
) -> domain.SigningKey:
    with unit_of_work() as uow:
        repository = SigningKeys(uow.session, ring)
        new = domain.rotate(repository.all(), utcnow(), lead, token_lifetime)
        repository.add(new)
        uow.commit()
        return new


def json_web_key_set(unit_of_work: Callable[[], UnitOfWork]) -> dict:
    with unit_of_work() as uow:
        keys = domain.published_keys(SigningKeys(uow.session).all(), utcnow())
        return {"keys": [key.public_jwk for key in keys]}


def ensure_signing_key(unit_of_work: Callable[[], UnitOfWork], token_lifetime: dt.timedelta, *, ring: KeyRing) -> None:
    """A fresh deployment gets its first key at once; an existing key set is left alone."""
    with unit_of_work() as uow:
        if SigningKeys(uow.session).all():
            return
    rotate_keys(unit_of_work, lead=dt.timedelta(0), token_lifetime=token_lifetime, ring=ring)


def reseal_keys(unit_of_work: Callable[[], UnitOfWork], ring: KeyRing) -> tuple[int, int]:
    """After a new key-encryption key was put first: seal every signing key with it; (resealed, total)."""
    with unit_of_work() as uow:
        counts = SigningKeys(uow.session, ring).reseal()
        uow.commit()
        return counts
