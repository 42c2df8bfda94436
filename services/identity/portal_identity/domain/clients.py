"""OAuth clients, their secrets and their scopes.

Scope design (docs/tokens.md): a school grants an application one API of one institution. A token's
``scope`` names APIs (``leerlingen``), or API and institution (``leerlingen:012345``) when the request
narrowed it; its ``grants`` claim maps every API in scope to the institutions it may be read for. A
resource server answers "may this client read API X of institution Y?" with ``Y in grants[X]``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets as random
import uuid
from collections.abc import Iterable

SECRET_BYTES = 32  # 256 bits of randomness


class ClientKind:
    CONFIDENTIAL = "confidential"  # API consumers: a secret or a key pair
    PUBLIC = "public"  # the portal's own browser UIs: authorization code + PKCE, no secret
    RESOURCE_SERVER = "resource-server"  # a data API: introspects tokens, gets none


REASON_MAX = 2000


class UnknownSecret(LookupError):
    """No live secret with this id: never made, expired or revoked already."""


class ReasonRequired(ValueError):
    """An emergency revocation tells the partner why; an empty reason would leave them guessing."""


@dataclasses.dataclass
class ClientSecret:
    """One secret of a client. Only its hash is kept, and its last 4 characters so a partner can tell
    which one leaked (unknown for secrets imported as a hash)."""

    client_id: str
    secret_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    id: int | None = None
    created_by: str | None = None
    last4: str | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    def valid(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def revoke(self, now: dt.datetime, by: str) -> None:
        self.revoked_at = now
        self.revoked_by = by


@dataclasses.dataclass
class ScopeGrant:
    client_id: str
    api: str
    institution: str


@dataclasses.dataclass
class Client:
    client_id: str
    name: str
    kind: str
    active: bool
    created_at: dt.datetime
    application_id: str | None = None
    partner_id: str | None = None
    redirect_uris: list[str] = dataclasses.field(default_factory=list)
    jwks: dict | None = None
    jwks_uri: str | None = None
    grants_version: int = 0
    secrets: list[ClientSecret] = dataclasses.field(default_factory=list)
    grants: list[ScopeGrant] = dataclasses.field(default_factory=list)

    @classmethod
    def for_application(cls, application_id: str, partner_id: str, name: str, now: dt.datetime) -> Client:
        return cls(
            client_id=new_client_id(),
            name=name,
            kind=ClientKind.CONFIDENTIAL,
            active=True,
            created_at=now,
            application_id=application_id,
            partner_id=partner_id,
        )

    @property
    def auth_methods(self) -> tuple[str, ...]:
        if self.kind == ClientKind.PUBLIC:
            return ("none",)
        methods = ("client_secret_basic", "client_secret_post")
        return (*methods, "private_key_jwt") if (self.jwks or self.jwks_uri) else methods

    def live_secrets(self, now: dt.datetime) -> list[ClientSecret]:
        return [secret for secret in self.secrets if secret.valid(now)]

    def rotate_secret(self, secret_hash, now: dt.datetime, window: dt.timedelta, created_by: str | None) -> str:
        """A new secret, shown once; secrets still valid now stop working after ``window``.

        Expired secrets are forgotten; revoked ones stay as the record of who ended them and when.
        """
        plain = new_secret()
        self.secrets = [s for s in self.secrets if s.revoked_at is not None or s.valid(now)]
        for secret in self.live_secrets(now):
            if secret.expires_at is None or secret.expires_at > now + window:
                secret.expires_at = now + window
        self.secrets.append(
            ClientSecret(self.client_id, secret_hash(plain), now, created_by=created_by, last4=plain[-4:])
        )
        return plain

    def revoke_secret(self, secret_id: int, now: dt.datetime, by: str) -> ClientSecret:
        """End one live secret now (a leak); the others keep working."""
        for secret in self.live_secrets(now):
            if secret.id == secret_id:
                secret.revoke(now, by)
                return secret
        raise UnknownSecret(secret_id)

    def revoke_all_secrets(self, now: dt.datetime, by: str, reason: str) -> int:
        """End every live secret now (an emergency); returns how many were live."""
        if not reason.strip():
            raise ReasonRequired
        live = self.live_secrets(now)
        for secret in live:
            secret.revoke(now, by)
        return len(live)

    def replace_grants(self, grants: Iterable[tuple[str, str]], version: int) -> bool:
        """Take the full set of (api, institution) grants unless an equal or newer set was applied."""
        if version <= self.grants_version:
            return False
        self.grants = [ScopeGrant(self.client_id, api, institution) for api, institution in sorted(set(grants))]
        self.grants_version = version
        return True


def new_client_id() -> str:
    return uuid.uuid4().hex


def new_secret() -> str:
    return random.token_urlsafe(SECRET_BYTES)


def granted_scope(grants: Iterable[tuple[str, str]], requested: str | None) -> tuple[str, dict[str, list[str]]] | None:
    """The scope string and ``grants`` claim for a request, or None when it asks for more than granted."""
    by_api: dict[str, set[str]] = {}
    for api, institution in grants:
        by_api.setdefault(api, set()).add(institution)
    if not requested or not requested.strip():
        return " ".join(sorted(by_api)), {api: sorted(by_api[api]) for api in sorted(by_api)}
    chosen: dict[str, set[str]] = {}
    for item in sorted(set(requested.split())):
        api, colon, institution = item.partition(":")
        if api not in by_api or (colon and institution not in by_api[api]):
            return None  # "leerlingen:" names no institution: not a scope
        chosen.setdefault(api, set()).update({institution} if institution else by_api[api])
    return " ".join(sorted(set(requested.split()))), {api: sorted(chosen[api]) for api in sorted(chosen)}
