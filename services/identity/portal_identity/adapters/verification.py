"""What introspection looks up per request, kept per process: verified access tokens and revocations.

A token's signature and claims never change, so a verified token's claims are kept and only what can
change is looked up on each request: revocations here, the client in :class:`~.oauth.ClientDirectory`.
Revocations are cached per key and dropped the moment one commits (the change feed); while the feed is
not heard, every lookup reads the database.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portalkit.trust import refuses, revocation_keys

# A key newly published is fetched at once for a token that names it, but at most this often.
KEY_RELOAD_SECONDS = 1.0
_UNKNOWN = object()


class AccessTokenVerifier:
    """Our JWT access tokens (``typ`` at+jwt, our issuer, a published key), verified once per process.

    ``load_keys`` gives the published public JWKs; they are reloaded every ``refresh_seconds``, and sooner
    for a token that does not verify (a key published since). At most ``capacity`` tokens are kept.
    """

    def __init__(
        self, load_keys: Callable[[], list[dict]], issuer: str, refresh_seconds: float = 30, capacity: int = 4096
    ):
        self._load_keys = load_keys
        self._issuer = issuer
        self._refresh_seconds = refresh_seconds
        self._capacity = capacity
        self._verified: dict[str, dict] = {}
        self._keys: KeySet | None = None
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def claims(self, value: str) -> dict | None:
        """The claims of a valid token of ours (expired ones too: the caller decides), else None."""
        claims = self._verified.get(value)
        if claims is not None:
            return claims
        if not isinstance(value, str):
            return None
        claims = self._decode(value, self._key_set(self._refresh_seconds))
        if claims is None and time.monotonic() - self._loaded_at > KEY_RELOAD_SECONDS:
            claims = self._decode(value, self._key_set(KEY_RELOAD_SECONDS))
        if claims is not None:
            with self._lock:
                if len(self._verified) >= self._capacity:
                    self._verified.clear()
                self._verified[value] = claims
        return claims

    def _key_set(self, max_age: float) -> KeySet:
        if time.monotonic() - self._loaded_at > max_age:
            with self._lock:
                self._keys = KeySet.import_key_set({"keys": self._load_keys()})
                self._loaded_at = time.monotonic()
        return self._keys

    def _decode(self, value: str, keys: KeySet) -> dict | None:
        try:
            decoded = jwt.decode(value, keys, algorithms=["ES256"])
        except (JoseError, ValueError, UnicodeError):
            return None
        if decoded.header.get("typ") != "at+jwt" or decoded.claims.get("iss") != self._issuer:
            return None
        return decoded.claims


class RevocationCache:
    """Revocations by key (``portalkit.trust``), cached while ``listening()`` says every change is heard.

    ``load(keys)`` gives the live revocations among ``keys`` (key -> revoked_at). A load that overlaps an
    invalidation is not cached, so what was read before a revocation committed cannot outlive it.
    """

    def __init__(
        self,
        load: Callable[[list[str]], dict[str, dt.datetime]],
        listening: Callable[[], bool],
        capacity: int = 20_000,
    ):
        self._load = load
        self._listening = listening
        self._capacity = capacity
        self._known: dict[str, dt.datetime | None] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def covers(self, claims: dict) -> bool:
        """Whether a revocation covers a token with these claims."""
        keys = revocation_keys(claims)
        if not self._listening():
            return refuses(claims, self._load(keys))
        known, found, missing = self._known, {}, []
        for key in keys:
            revoked_at = known.get(key, _UNKNOWN)
            if revoked_at is _UNKNOWN:
                missing.append(key)
            elif revoked_at is not None:
                found[key] = revoked_at
        if missing:
            generation = self._generation
            loaded = self._load(missing)
            with self._lock:
                if len(known) + len(missing) > self._capacity:
                    known.clear()
                if generation == self._generation:
                    known.update({key: loaded.get(key) for key in missing})
            found.update(loaded)
        return refuses(claims, found)

    def invalidate(self, key: str | None = None) -> None:
        with self._lock:
            self._generation += 1
            if key is None:
                self._known.clear()
            else:
                self._known.pop(key, None)
