"""What introspection looks up per request, kept per process: verified access tokens and revocations.

A token's signature and claims never change, so a verified token's claims are kept and only what can
change is looked up on each request: revocations here, the client in :class:`~.oauth.ClientDirectory`.
Revocations are cached per key and dropped the moment one commits (the change feed); while the feed is
not heard, every lookup reads the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# A key newly published is fetched at once for a token that names it, but at most this often.
KEY_RELOAD_SECONDS = 1.0


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
