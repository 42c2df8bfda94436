"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
``{webhook-id}.{webhook-timestamp}.{body}`` with the endpoint's secret, sent as ``v1,<base64>``.

A secret is ``whsec_`` and the base64 of its random bytes, as the specification's libraries expect it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for at least 24


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One signature: ``v1,<base64 of HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """``webhook-signature``: one signature per live secret, space separated, so a receiver that knows either
    the new or the previous secret verifies during a rotation."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)


def headers(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, message_id, timestamp, body),
        "content-type": "application/json",
    }
