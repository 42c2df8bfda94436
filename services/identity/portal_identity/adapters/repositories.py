"""Repositories: how the service layer reads and stores aggregates, without writing SQL itself."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal_identity.adapters import orm
from portal_identity.adapters.sealing import KeyRing
from portal_identity.domain.accounts import Account, AccountToken, Role
from portal_identity.domain.clients import Client
from portal_identity.domain.keys import SigningKey
from portal_identity.domain.throttle import Throttle


class SigningKeys:
    """Signing keys, their private JWKs sealed at rest with ``ring``; without a ring only the public parts are read."""

    def __init__(self, session: Session, ring: KeyRing | None = None):
        self.session = session
        self.ring = ring

    def all(self) -> list[SigningKey]:
        keys = list(self.session.scalars(sa.select(SigningKey).order_by(SigningKey.signs_from)))
        for key in keys:
            key.private_jwk = self.ring.open(key.kid, key.stored_private_jwk) if self.ring is not None else None
        return keys

    def add(self, key: SigningKey) -> None:
        key.stored_private_jwk = self._ring().seal(key.kid, key.private_jwk)
        self.session.add(key)

    def reseal(self) -> tuple[int, int]:
        """Seal every key with the current KEK; returns (resealed, total)."""
        keys, ring = self.all(), self._ring()
        stale = [key for key in keys if not ring.sealed_with_current(key.stored_private_jwk)]
        for key in stale:
            key.stored_private_jwk = ring.seal(key.kid, key.private_jwk)
        return len(stale), len(keys)

    def _ring(self) -> KeyRing:
        if self.ring is None:
            raise RuntimeError("a key ring is needed to store signing keys")
        return self.ring


class ServerSecrets:
    def __init__(self, session: Session):
        self.session = session

    def get(self, name: str) -> str | None:
        return self.session.scalar(sa.select(orm.server_secrets.c.value).where(orm.server_secrets.c.name == name))

    def add(self, name: str, value: str) -> None:
        self.session.execute(sa.insert(orm.server_secrets).values(name=name, value=value))


class Accounts:
    def __init__(self, session: Session):
        self.session = session

    def add(self, account: Account) -> None:
        self.session.add(account)

    def get(self, account_id: str, *, for_update: bool = False) -> Account | None:
        return self.session.get(Account, account_id, with_for_update=for_update)

    def by_email(self, email: str) -> Account | None:
        return self.session.scalar(sa.select(Account).where(Account.email == email))

    def search(
        self, text: str | None, role: str | None, offset: int, limit: int, *, back_office: bool = False
    ) -> tuple[list[Account], int]:
        query = sa.select(Account)
        roles = sa.cast(Account.roles, sa.String)
        if text:
            query = query.where(Account.email.like(f"%{text.strip().lower()}%"))
        if role:
            query = query.where(roles.like(f'%"{role}"%'))
        if back_office:
            query = query.where(roles.like(f'%"{Role.MODERATOR}"%') | roles.like(f'%"{Role.SCHOOL_ADMIN}"%'))
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        return list(self.session.scalars(query.order_by(Account.email).offset(offset).limit(limit))), total


class AccountTokens:
    def __init__(self, session: Session):
        self.session = session

    def add(self, token: AccountToken) -> None:
        self.session.add(token)

    def get(self, token_hash: str) -> AccountToken | None:
        return self.session.get(AccountToken, token_hash, with_for_update=True)

    def of_account(self, account_id: str, purpose: str) -> list[AccountToken]:
        query = sa.select(AccountToken).where(
            orm.account_tokens.c.account_id == account_id, orm.account_tokens.c.purpose == purpose
        )
        return list(self.session.scalars(query))


class Throttles:
    def __init__(self, session: Session):
        self.session = session

    def get(self, key: str) -> Throttle | None:
        return self.session.get(Throttle, key)

    def add(self, throttle: Throttle) -> None:
        self.session.add(throttle)

    def clear(self, key: str) -> None:
        self.session.execute(sa.delete(orm.login_throttles).where(orm.login_throttles.c.key == key))


class Clients:
    def __init__(self, session: Session):
        self.session = session

    def add(self, client: Client) -> None:
        self.session.add(client)

    def get(self, client_id: str, *, for_update: bool = False) -> Client | None:
        return self.session.get(Client, client_id, with_for_update=for_update or None)

    def by_application(self, application_id: str) -> Client | None:
        return self.session.scalar(sa.select(Client).where(Client.application_id == application_id))

    def of_partner(self, partner_id: str) -> list[Client]:
        return list(self.session.scalars(sa.select(Client).where(Client.partner_id == partner_id)))

    def remember_assertion(self, client_id: str, jti: str, expires_at: dt.datetime, now: dt.datetime) -> bool:
        """Record a private_key_jwt assertion id; False when it was seen before (a replay)."""
        table = orm.assertion_jtis
        self.session.execute(sa.delete(table).where(table.c.expires_at < now))
        seen = self.session.scalar(sa.select(sa.literal(1)).where(table.c.client_id == client_id, table.c.jti == jti))
        if seen:
            return False
        self.session.execute(sa.insert(table).values(client_id=client_id, jti=jti, expires_at=expires_at))
        return True
