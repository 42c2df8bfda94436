"""Signing keys' private JWKs at rest: sealed with a key-encryption key (KEK) that is not in the database.

A sealed JWK is stored as ``{"sealed": "A256GCM", "kek": <KEK id>, "nonce": ..., "ciphertext": ...}`` (AES-256-GCM,
the key id as associated data, so a sealed JWK cannot be moved to another key's row). The KEKs come from
``KEY_ENCRYPTION_KEY`` (base64url of 32 random bytes; several, comma-separated, while rotating: the first seals,
every one opens) or from the file ``KEY_ENCRYPTION_KEY_FILE`` (the same, one per line). Without either, a
KEK is made once in ``<DATA_DIR>/identity.kek`` (mode 0600), enough for one machine (``make run``, the local
stack); a deployment with replicas sets one of the two. Rotation: put the new KEK first, keep the old one after it,
run ``portalctl keys reseal``, then drop the old one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED = "A256GCM"


class KeyEncryptionError(RuntimeError):
    """A KEK is malformed or missing for a sealed signing key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_key_encryption_key() -> str:
    return _b64(secrets.token_bytes(32))


def kek_id(key: bytes) -> str:
    return hashlib.sha256(b"portal-kek:" + key).hexdigest()[:16]


class KeyRing:
    """The KEKs in force: the first seals, all of them open."""

    def __init__(self, encoded: list[str]):
        keys = []
        for text in encoded:
            try:
                key = _unb64(text.strip())
            except ValueError:
                key = b""
            if len(key) != 32:
                raise KeyEncryptionError("a key-encryption key must be base64url of 32 bytes")
            keys.append(key)
        if not keys:
            raise KeyEncryptionError("no key-encryption key")
        self._keys = {kek_id(key): AESGCM(key) for key in keys}
        self.current = kek_id(keys[0])

    def seal(self, kid: str, jwk: dict) -> dict:
        nonce = secrets.token_bytes(12)
        sealed = self._keys[self.current].encrypt(nonce, json.dumps(jwk).encode(), kid.encode())
        return {"sealed": SEALED, "kek": self.current, "nonce": _b64(nonce), "ciphertext": _b64(sealed)}

    def open(self, kid: str, stored: dict) -> dict:
        if stored.get("sealed") != SEALED:
            return stored  # stored before sealing existed: `portalctl keys reseal` seals it
        cipher = self._keys.get(stored.get("kek"))
        if cipher is None:
            raise KeyEncryptionError(
                f"signing key {kid} is sealed with key-encryption key {stored.get('kek')}, which is not configured"
            )
        return json.loads(cipher.decrypt(_unb64(stored["nonce"]), _unb64(stored["ciphertext"]), kid.encode()))

    def sealed_with_current(self, stored: dict) -> bool:
        return stored.get("sealed") == SEALED and stored.get("kek") == self.current


def key_ring(key_encryption_key: str, key_file: str, data_dir: str) -> KeyRing:
    """The KEKs from the setting, else from the file, else from ``<data_dir>/identity.kek`` (made once)."""
    if key_encryption_key.strip():
        return KeyRing([part for part in key_encryption_key.split(",") if part.strip()])
    path = Path(key_file) if key_file else Path(data_dir) / "identity.kek"
    if not path.exists():
        if key_file:
            raise KeyEncryptionError(f"KEY_ENCRYPTION_KEY_FILE {key_file} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(new_key_encryption_key() + "\n")
    return KeyRing([line for line in path.read_text().splitlines() if line.strip()])
