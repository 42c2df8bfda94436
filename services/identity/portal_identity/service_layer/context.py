"""What the identity use cases share in one process: settings, hashers, caches, the unit of work."""

from __future__ import annotations

import dataclasses
import secrets as random
from collections.abc import Callable

from portal_identity.adapters.hashing import SecretHasher
from portal_identity.adapters.oauth import ClientDirectory, SigningKeyRing
from portal_identity.adapters.repositories import Clients, ServerSecrets, SigningKeys, Throttles
from portal_identity.adapters.sealing import KeyRing, key_ring
from portal_identity.adapters.verification import AccessTokenVerifier
from portal_identity.config import IdentitySettings
from portal_identity.domain.keys import published_keys, signing_key
from portalkit.changes import ChangeFeed
from portalkit.events.envelope import utcnow
from portalkit.service import ServiceRuntime
from portalkit.trust import Trust
from portalkit.uow import UnitOfWork

SERVER_SECRETS = ("secret_pepper", "session_secret")


@dataclasses.dataclass
class Identity:
    unit_of_work: Callable[[], UnitOfWork]
    settings: IdentitySettings
    secret_hasher: SecretHasher
    session_secret: str
    clients: ClientDirectory
    keys: SigningKeyRing
    client_changes: ChangeFeed
    access_tokens: AccessTokenVerifier
    trust: Trust
    key_ring: KeyRing  # the key-encryption keys that seal the signing keys at rest

    @property
    def public_url(self) -> str:
        return self.settings.public_url.rstrip("/")

    def client_changed(self, session, client_id: str) -> None:
        """Inside the changing transaction: every process drops its cached copy once it commits."""
        self.client_changes.announce(session, client_id)


def key_ring_of(settings: IdentitySettings) -> KeyRing:
    return key_ring(settings.key_encryption_key, settings.key_encryption_key_file, settings.data_dir)


def ensure_server_secrets(unit_of_work: Callable[[], UnitOfWork]) -> None:
    """Random values every replica shares through the database, unless the environment sets them."""
    with unit_of_work() as uow:
        repository = ServerSecrets(uow.session)
        for name in SERVER_SECRETS:
            if repository.get(name) is None:
                repository.add(name, random.token_hex(32))
        uow.commit()


def build_identity(runtime: ServiceRuntime) -> Identity:
    """The identity service's dependencies, wired once per process (``runtime.container``)."""
    settings: IdentitySettings = runtime.settings
    with runtime.unit_of_work() as uow:
        stored = {name: ServerSecrets(uow.session).get(name) for name in SERVER_SECRETS}
    pepper = settings.secret_pepper or stored["secret_pepper"]
    session_secret = settings.session_secret or stored["session_secret"]
    if not pepper or not session_secret:
        raise RuntimeError("identity server secrets missing: run `portalctl db upgrade identity` first")
    hasher = SecretHasher(pepper.encode())

    def load_client(client_id: str):
        """The client and until when its authentication is slowed; a client of a profile the partners
        service deactivated is unknown to the token endpoint."""
        with runtime.unit_of_work() as uow:
            client = Clients(uow.session).get(client_id)
            throttle = Throttles(uow.session).get(f"client:{client_id}") if client is not None else None
        if client is not None and client.partner_id and not runtime.trust.partner_active(client.partner_id):
            return None, None
        return client, throttle.locked_until if throttle is not None else None

    ring = key_ring_of(settings)

    def load_signing_key():
        with runtime.unit_of_work() as uow:
            key = signing_key(SigningKeys(uow.session, ring).all(), utcnow())
            if key is None:
                raise RuntimeError("no signing key: run `portalctl db upgrade identity` or `portalctl keys rotate`")
            return key.private_jwk, key.retire_after

    def load_published_keys() -> list[dict]:
        with runtime.unit_of_work() as uow:
            return [key.public_jwk for key in published_keys(SigningKeys(uow.session).all(), utcnow())]

    changes = ChangeFeed(runtime.database, "identity_clients")
    directory = ClientDirectory(load_client, hasher, settings.client_cache_seconds, changes.listening.is_set)
    changes.subscribe(directory.invalidate)  # a key drops one client; None (connection lost) drops all
    runtime.closers.append(changes.close)
    identity = Identity(
        unit_of_work=runtime.unit_of_work,
        settings=settings,
        secret_hasher=hasher,
        session_secret=session_secret,
        clients=directory,
        keys=SigningKeyRing(load_signing_key),
        client_changes=changes,
        access_tokens=AccessTokenVerifier(load_published_keys, settings.token_issuer),
        trust=runtime.trust,
        key_ring=ring,
    )
    return identity
