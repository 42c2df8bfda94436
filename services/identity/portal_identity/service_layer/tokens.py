"""Storage of the authorization server: codes, refresh tokens, revocations, introspection."""

from __future__ import annotations

import datetime as dt
import secrets as random
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal_identity.adapters import orm
from portal_identity.adapters.repositories import Accounts, Clients, Throttles
from portal_identity.domain.throttle import Throttle
from portal_identity.domain.tokens import AuthorizationCode, LoginSession, RefreshToken, SessionPerson
from portal_identity.service_layer import sessions
from portal_identity.service_layer.context import Identity
from portalkit.events.envelope import utcnow
from portalkit.secrets import token_hash
from portalkit.trust import Revocation, RevocationKind


def save_authorization_code(identity: Identity, code: str, client_id: str, account_id: str, request) -> None:
    payload = request.payload
    with identity.unit_of_work() as uow:
        uow.session.add(
            AuthorizationCode(
                code_hash=token_hash(code),
                client_id=client_id,
                account_id=account_id,
                redirect_uri=payload.redirect_uri or "",
                scope=payload.scope or "",
                code_challenge=payload.data.get("code_challenge"),
                code_challenge_method=payload.data.get("code_challenge_method") or "S256",
                nonce=payload.data.get("nonce"),
                auth_time=int(utcnow().timestamp()),
                session_id=request.user.session_id,
                expires_at=utcnow() + dt.timedelta(seconds=identity.settings.authorization_code_seconds),
            )
        )
        uow.commit()


def take_authorization_code(identity: Identity, code: str, client_id: str) -> AuthorizationCode | None:
    """Single use: the code is deleted in the same transaction that reads it."""
    with identity.unit_of_work() as uow:
        found = uow.session.get(AuthorizationCode, token_hash(code or ""), with_for_update=True)
        if found is None:
            return None
        uow.session.delete(found)
        uow.commit()
    if found.client_id != client_id or found.expired(utcnow()):
        return None
    return found


def save_refresh_token(identity: Identity, token: dict, client_id: str, person: SessionPerson, family_id: str | None):
    now = utcnow()
    with identity.unit_of_work() as uow:
        uow.session.add(
            RefreshToken(
                token_hash=token_hash(token["refresh_token"]),
                family_id=family_id or str(uuid.uuid4()),
                client_id=client_id,
                account_id=person.id,
                scope=token.get("scope") or "",
                issued_at=now,
                expires_at=now + dt.timedelta(days=identity.settings.refresh_token_days),
                session_id=person.session_id,
            )
        )
        uow.commit()


def find_refresh_token(identity: Identity, value: str) -> RefreshToken | None:
    """A current refresh token of a live login session; a rotated one presented again is theft: its whole
    family is revoked."""
    with identity.unit_of_work() as uow:
        found = uow.session.get(RefreshToken, token_hash(value or ""))
        if found is None:
            return None
        if found.rotated_at is not None and found.revoked_at is None:
            revoke_family(uow.session, found.family_id)
            uow.commit()
            return None
        if found.is_revoked() or found.is_expired():
            return None
        login = uow.session.get(LoginSession, found.session_id) if found.session_id else None
        return found if login is not None and login.live(utcnow()) else None


def rotate_refresh_token(identity: Identity, refresh: RefreshToken) -> None:
    with identity.unit_of_work() as uow:
        uow.session.execute(
            sa.update(orm.refresh_tokens)
            .where(orm.refresh_tokens.c.token_hash == refresh.token_hash)
            .values(rotated_at=utcnow())
        )
        uow.commit()


def revoke_family(session, family_id: str) -> None:
    session.execute(
        sa.update(orm.refresh_tokens)
        .where(orm.refresh_tokens.c.family_id == family_id, orm.refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


class AccessToken:
    """A verified JWT access token as the introspection and revocation endpoints see it."""

    def __init__(self, claims: dict, revoked: bool):
        self.claims = claims
        self.revoked = revoked

    def check_client(self, client) -> bool:
        return self.claims.get("client_id") == client.get_client_id()

    def get_scope(self):
        return self.claims.get("scope", "")

    def is_expired(self) -> bool:
        return int(self.claims.get("exp", 0)) <= int(utcnow().timestamp())

    def is_revoked(self) -> bool:
        return self.revoked


def verify_access_token(identity: Identity, value: str) -> AccessToken | None:
    """One of our access tokens, with whether a revocation covers it now; no database round trip for a
    token seen before while this process hears every change."""
    claims = identity.access_tokens.claims(value)
    return AccessToken(claims, identity.trust.revoked(claims)) if claims is not None else None


def find_token(identity: Identity, value: str, hint: str | None):
    """For introspection and revocation: an access token (JWT) or a refresh token."""
    if hint != "refresh_token":
        token = verify_access_token(identity, value)
        if token is not None:
            return token
    with identity.unit_of_work() as uow:
        return uow.session.get(RefreshToken, token_hash(value or ""))


def revoke(identity: Identity, token) -> None:
    """RFC 7009: a refresh token's family ends here; an access token is refused by every service."""
    with identity.unit_of_work() as uow:
        if isinstance(token, AccessToken):
            expires = dt.datetime.fromtimestamp(token.claims["exp"], dt.UTC) + sessions.VERIFIER_LEEWAY
            revocation = Revocation(RevocationKind.TOKEN, token.claims["jti"], utcnow(), expires)
            sessions.revoke(identity, uow, revocation, "token_revoked")
        else:
            revoke_family(uow.session, token.family_id)
        uow.commit()


def introspect(identity: Identity, token) -> dict:
    """RFC 7662 answer; for client tokens the grants are those in force now, not when it was issued."""
    if isinstance(token, RefreshToken):
        return {
            "active": True,
            "token_type": "refresh_token",
            "client_id": token.client_id,
            "sub": token.account_id,
            "scope": token.scope,
            "exp": int(token.expires_at.timestamp()),
            "iat": int(token.issued_at.timestamp()),
        }
    claims = token.claims
    answer = {
        "active": True,
        "token_type": "Bearer",
        **{k: claims[k] for k in ("client_id", "sub", "aud", "iss", "exp", "iat", "jti") if k in claims},
    }
    if "roles" in claims:
        with identity.unit_of_work() as uow:
            person = Accounts(uow.session).get(claims["sub"])
            if person is None or not person.active:
                return {"active": False}
            answer.update(person.claims())
        answer["scope"] = claims.get("scope", "")
        return answer
    client = identity.clients.get(claims.get("client_id", ""))  # None too when its partner is deactivated
    if client is None or not client.active:
        return {"active": False}
    answer["scope"], answer["grants"] = client.in_force(claims)
    return answer


def introspection(identity: Identity, token: AccessToken, client) -> dict:
    """RFC 7662 section 2.2 for an access token asked about by an authenticated ``client``: inactive unless
    the client is a resource server or the token's own client, and the token is unexpired and unrevoked."""
    if not (client.resource_server or token.check_client(client)) or token.is_expired() or token.is_revoked():
        return {"active": False}
    return introspect(identity, token)


def new_refresh_token(client, grant_type, user, scope) -> str | None:
    """Refresh tokens go to people's sessions in the portal's UIs only, never to API consumers."""
    return random.token_urlsafe(48) if user is not None else None


def remember_assertion(identity: Identity, client_id: str, jti: str, expires: int) -> bool:
    now = utcnow()
    with identity.unit_of_work() as uow:
        fresh = Clients(uow.session).remember_assertion(client_id, jti, dt.datetime.fromtimestamp(expires, dt.UTC), now)
        uow.commit()
    return fresh


def client_authentication_failed(identity: Identity, client_id: str) -> None:
    """Count a failed authentication of a known client (``client:<id>``, domain.throttle). Once it is
    slowed, every process reloads the client's snapshot, which then refuses to hear it until the delay ends."""
    now = utcnow()
    try:
        with identity.unit_of_work() as uow:
            throttles = Throttles(uow.session)
            throttle = throttles.get(f"client:{client_id}")
            if throttle is None:
                throttle = Throttle(f"client:{client_id}", 0, now)
                throttles.add(throttle)
            throttle.failed(now)
            if throttle.wait_seconds(now):
                identity.client_changed(uow.session, client_id)
            uow.commit()
    except IntegrityError:
        return  # a concurrent failure made the row first; this one goes uncounted
    identity.clients.invalidate(client_id)
