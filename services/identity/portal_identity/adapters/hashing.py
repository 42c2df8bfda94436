"""Hashes: argon2 for people's passwords, a keyed BLAKE2b for server-generated secrets and tokens.

Server-generated secrets carry 256 bits of randomness, so a slow hash adds nothing but latency on the
token endpoint; a keyed hash (the key is the server's pepper) keeps a stolen table useless by itself.
Imported clients may bring argon2 or bcrypt hashes from the old system; those verify as such.
"""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_passwords = PasswordHasher()
KEYED_PREFIX = "b2k$"


def hash_password(password: str) -> str:
    return _passwords.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _passwords.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verifying against a hash of a random password keeps unknown e-mail addresses as slow as known ones.
DUMMY_PASSWORD_HASH = hash_password("unused-Passw0rd!")


def password_needs_rehash(password_hash: str) -> bool:
    return _passwords.check_needs_rehash(password_hash)


class SecretHasher:
    def __init__(self, pepper: bytes):
        self.pepper = pepper

    def hash(self, secret: str) -> str:
        return KEYED_PREFIX + hashlib.blake2b(secret.encode(), key=self.pepper, digest_size=32).hexdigest()

    def verify(self, secret_hash: str, secret: str) -> bool:
        if secret_hash.startswith(KEYED_PREFIX):
            return hmac.compare_digest(secret_hash, self.hash(secret))
        if secret_hash.startswith("$argon2"):
            return verify_password(secret_hash, secret)
        if secret_hash.startswith(("$2a$", "$2b$", "$2y$")):
            import bcrypt  # noqa: PLC0415 - only imported clients with bcrypt hashes need it

            return bcrypt.checkpw(secret.encode(), secret_hash.encode())
        return False
