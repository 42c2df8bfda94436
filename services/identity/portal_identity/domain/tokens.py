"""Authorization codes and refresh tokens as Authlib sees them; only hashes of the values are stored."""

from __future__ import annotations

import dataclasses
import datetime as dt

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin


@dataclasses.dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code_hash: str
    client_id: str
    account_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int
    expires_at: dt.datetime
    nonce: str | None = None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


@dataclasses.dataclass
class RefreshToken(TokenMixin):
    """Rotated on every use; a rotated token used again revokes its whole family (theft detection)."""

    token_hash: str
    family_id: str
    client_id: str
    account_id: str
    scope: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    rotated_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def check_client(self, client):
        return self.client_id == client.get_client_id()

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self):
        return dt.datetime.now(dt.UTC) >= self.expires_at

    def is_revoked(self):
        return self.revoked_at is not None or self.rotated_at is not None
