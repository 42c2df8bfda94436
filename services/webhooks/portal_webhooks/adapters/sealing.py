"""Signing secrets at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the service's key.

They must sign every delivery, so a hash would not do. ``SECRET_KEY`` holds one or more Fernet keys
("new,old" while changing keys: the first seals, all open); without it, a key is made once in
``<DATA_DIR>/webhooks.key`` (the embedded mode and one-machine stacks; set it wherever replicas run on
several machines).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealingError(RuntimeError):
    """A sealed secret cannot be opened with any configured key."""


class SecretBox:
    def __init__(self, keys: list[str]):
        if not keys:
            raise SealingError("no key to seal webhook secrets with")
        self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SealingError("a webhook secret was sealed with a key that is not configured") from None


def new_key() -> str:
    return Fernet.generate_key().decode()


def secret_box(secret_key: str, key_file: str, data_dir: str) -> SecretBox:
    """The keys from the setting, else from the file, else from ``<data_dir>/webhooks.key`` (made once)."""
    if secret_key.strip():
        return SecretBox([part for part in secret_key.split(",") if part.strip()])
    path = Path(key_file) if key_file else Path(data_dir) / "webhooks.key"
    if not path.exists():
        if key_file:
            raise SealingError(f"SECRET_KEY_FILE {key_file} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of the service made it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(new_key() + "\n")
    return SecretBox([line for line in path.read_text().splitlines() if line.strip()])
