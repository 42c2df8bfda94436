"""Login sessions, authorization codes and refresh tokens as Authlib sees them; only hashes of the code and
token values are stored."""

from __future__ import annotations

import dataclasses
import datetime as dt

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin

from portal_identity.domain.accounts import Account


@dataclasses.dataclass
class LoginSession:
    """A person signed in at the hosted login page; the browser's cookie names only its id.

    Everything issued in the session (codes, refresh tokens, access tokens through their ``sid`` claim)
    ends with it: sign-out, a password reset or a deactivated account end it on the server, so a cookie
    replayed afterwards gets nothing.
    """

    id: str
    account_id: str
    started_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None

    def live(self, now: dt.datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def end(self, now: dt.datetime) -> bool:
        """True when this call ended it (it was live)."""
        if not self.live(now):
            return False
        self.ended_at = now
        return True


@dataclasses.dataclass(frozen=True)
class SessionPerson:
    """The resource owner Authlib hands around: an account in one login session."""

    account: Account
    session_id: str

    @property
    def id(self) -> str:
        return self.account.id

    def get_user_id(self) -> str:
        return self.account.id

    def claims(self) -> dict:
        return {**self.account.claims(), "sid": self.session_id}


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
    session_id: str | None = None
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
    session_id: str | None = None
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
